"""A sponsored member's flow (mounted at /programs/ in hale/urls_brand.py)."""

from django.urls import path

from hale.matching import views_programs as views

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("<uuid:program_id>/", views.program_join, name="program_join"),
    path("<uuid:program_id>/consent/", views.program_consent, name="program_consent"),
    path("<uuid:program_id>/match/", views.program_match, name="program_match"),
    path(
        "<uuid:program_id>/choose/<uuid:specialist_id>/",
        views.program_choose,
        name="program_choose",
    ),
    path("<uuid:program_id>/book/", views.program_book, name="program_book"),
]
