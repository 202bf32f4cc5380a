"""URLs of a brand host: the patient portal."""

from django.urls import include, path

from hale.core import views as core_views
from hale.urls_common import urlpatterns as common

urlpatterns = [
    path("", core_views.patient_home, name="home"),
    path("help/", include("hale.helpcenter.urls")),
    path("invite/", include("hale.accounts.urls_invite")),
    *common,
]
