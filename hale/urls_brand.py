"""URLs of a brand host: the patient portal."""

from django.urls import include, path

from hale.core import views as core_views
from hale.urls_common import urlpatterns as common

urlpatterns = [
    path("", core_views.patient_home, name="home"),
    path("help/", include("hale.helpcenter.urls")),
    path("", include("hale.scheduling.urls_patient")),
    path("", include("hale.matching.urls")),
    path("programs/", include("hale.matching.urls_programs")),
    path("invite/", include("hale.accounts.urls_invite")),
    path("accounts/magic-link/", include("hale.authn.urls")),
    path("legal/", include("hale.legal.urls")),
    path("welcome/", include("hale.accounts.urls_onboarding")),
    *common,
]
