"""Clinical leads back office (mounted at /staff/brands/<brand_slug>/leads/)."""

from django.urls import path

from hale.matching import views_leads

urlpatterns = [
    path("", views_leads.staff_leads, name="staff_leads"),
    path("add/", views_leads.staff_lead_add, name="staff_lead_add"),
    path("<uuid:supervision_id>/remove/", views_leads.staff_lead_remove, name="staff_lead_remove"),
]
