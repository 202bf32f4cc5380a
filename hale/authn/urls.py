"""Sign-in links (brand hosts only), mounted under /accounts/magic-link/."""

from django.urls import path

from hale.authn import views

urlpatterns = [
    path("", views.magic_link_request, name="authn_magic_link_request"),
    path("sent/", views.magic_link_sent, name="authn_magic_link_sent"),
    path("<str:token>/", views.magic_link, name="authn_magic_link"),
]
