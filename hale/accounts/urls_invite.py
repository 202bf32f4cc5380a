"""Portal invitation links on a brand host (mounted at /invite/)."""

from django.urls import path

from hale.accounts import views_invite

urlpatterns = [
    # Sign-in and sign-up come back here; the token waits in the session, not in the URL.
    path("continue/", views_invite.invitation_continue, name="invitation_continue"),
    path("<str:token>/", views_invite.invitation_landing, name="invitation_landing"),
]
