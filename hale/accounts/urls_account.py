"""My Account, on every host (mounted at /account/ in hale/urls_common.py)."""

from django.urls import path

from hale.accounts import views_account as views

urlpatterns = [
    path("", views.account_overview, name="account_overview"),
    path("profile/", views.account_profile, name="account_profile"),
    path("preferences/", views.account_preferences, name="account_preferences"),
    path("sessions/", views.account_sessions, name="account_sessions"),
    path(
        "sessions/sign-out-others/",
        views.account_sessions_end_others,
        name="account_sessions_end_others",
    ),
    path("session/status/", views.account_session_status, name="account_session_status"),
    path("session/keepalive/", views.account_session_keepalive, name="account_session_keepalive"),
]
