"""URLs of the accounts app: My Account and data rights on every host, invitations and
onboarding on brand hosts, patient records in the staff back office."""

from django.urls import path

from hale.accounts.views import account as views_account
from hale.accounts.views import data as views_data
from hale.accounts.views import invite as views_invite
from hale.accounts.views import onboarding as views_onboarding
from hale.accounts.views import staff as views_staff

# Every host. The data-rights paths come first, so ``account/data/`` is not taken for an
# account page.
common_urlpatterns = [
    path("account/data/", views_data.data_rights_page, name="data_rights"),
    path("account/data/export/", views_data.data_export_request, name="data_export_request"),
    path(
        "account/data/export/<uuid:export_uuid>/<str:token>/",
        views_data.data_export_download,
        name="data_export_download",
    ),
    path("account/data/delete/", views_data.account_delete, name="account_delete"),
    path("account/data/deleted/", views_data.account_deleted, name="account_deleted"),
    path("account/", views_account.account_overview, name="account_overview"),
    path("account/profile/", views_account.account_profile, name="account_profile"),
    path("account/preferences/", views_account.account_preferences, name="account_preferences"),
    path("account/sessions/", views_account.account_sessions, name="account_sessions"),
    path(
        "account/sessions/sign-out-others/",
        views_account.account_sessions_end_others,
        name="account_sessions_end_others",
    ),
    path(
        "account/session/status/",
        views_account.account_session_status,
        name="account_session_status",
    ),
    path(
        "account/session/keepalive/",
        views_account.account_session_keepalive,
        name="account_session_keepalive",
    ),
]

# Brand hosts.
patient_urlpatterns = [
    # Sign-in and sign-up come back here; the token waits in the session, not in the URL.
    path("invite/continue/", views_invite.invitation_continue, name="invitation_continue"),
    path("invite/<str:token>/", views_invite.invitation_landing, name="invitation_landing"),
    path("welcome/", views_onboarding.onboarding_resume, name="onboarding_resume"),
    path("welcome/<slug:step>/", views_onboarding.onboarding_step, name="onboarding_step"),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("patients/", views_staff.staff_patient_list, name="staff_patient_list"),
    path("patients/new/", views_staff.staff_patient_create, name="staff_patient_create"),
    path(
        "patients/<uuid:patient_id>/", views_staff.staff_patient_detail, name="staff_patient_detail"
    ),
    path(
        "patients/<uuid:patient_id>/portal-access/",
        views_staff.staff_patient_portal_access,
        name="staff_patient_portal_access",
    ),
    path(
        "patients/<uuid:patient_id>/invitations/",
        views_staff.staff_invitation_send,
        name="staff_invitation_send",
    ),
    path(
        "patients/<uuid:patient_id>/invitations/<uuid:invitation_id>/revoke/",
        views_staff.staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
]
