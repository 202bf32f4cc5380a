"""Programs back office (mounted at /staff/brands/<brand_slug>/programs/)."""

from django.urls import path

from hale.matching import views_programs as views

urlpatterns = [
    path("", views.staff_programs, name="staff_programs"),
    path("add/", views.staff_program_add, name="staff_program_add"),
    path("organisations/<uuid:org_id>/", views.staff_organization, name="staff_organization"),
    path("<uuid:program_id>/", views.staff_program, name="staff_program"),
    path("<uuid:program_id>/roster/", views.staff_program_roster, name="staff_program_roster"),
]
