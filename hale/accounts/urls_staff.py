"""Patients back office on the platform host (mounted at /staff/brands/<brand_slug>/patients/)."""

from django.urls import path

from hale.accounts import views_staff

urlpatterns = [
    path("", views_staff.staff_patient_list, name="staff_patient_list"),
    path("new/", views_staff.staff_patient_create, name="staff_patient_create"),
    path("<uuid:patient_id>/", views_staff.staff_patient_detail, name="staff_patient_detail"),
    path(
        "<uuid:patient_id>/portal-access/",
        views_staff.staff_patient_portal_access,
        name="staff_patient_portal_access",
    ),
    path(
        "<uuid:patient_id>/invitations/",
        views_staff.staff_invitation_send,
        name="staff_invitation_send",
    ),
    path(
        "<uuid:patient_id>/invitations/<uuid:invitation_id>/revoke/",
        views_staff.staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
]
