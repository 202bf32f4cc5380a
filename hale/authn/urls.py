"""URLs of sign-in links (brand hosts)."""

from django.urls import path

from hale.authn import views

patient_urlpatterns = [
    path("accounts/magic-link/", views.magic_link_request, name="authn_magic_link_request"),
    path("accounts/magic-link/sent/", views.magic_link_sent, name="authn_magic_link_sent"),
    path("accounts/magic-link/<str:token>/", views.magic_link, name="authn_magic_link"),
]
