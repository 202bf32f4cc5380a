"""URLs of a brand host: the patient portal. Each app's ``patient_urlpatterns``."""

from django.urls import path

from hale.accounts import urls as accounts
from hale.authn import urls as authn
from hale.consents import urls as consents
from hale.dashboards import views as dashboards
from hale.documents import urls as documents
from hale.helpcenter import urls as helpcenter
from hale.intake import urls as intake
from hale.legal import urls as legal
from hale.matching import urls as matching
from hale.messaging import urls as messaging
from hale.payments import urls as payments
from hale.scheduling import urls as scheduling
from hale.shop import urls as shop
from hale.urls_common import urlpatterns as common
from hale.video import urls as video

urlpatterns = [
    path("", dashboards.patient_home, name="home"),
    *helpcenter.patient_urlpatterns,
    *video.patient_urlpatterns,  # before scheduling: under its appointment paths
    *scheduling.patient_urlpatterns,
    *matching.patient_urlpatterns,
    *messaging.patient_urlpatterns,
    *documents.patient_urlpatterns,
    *consents.patient_urlpatterns,
    *intake.patient_urlpatterns,
    *payments.patient_urlpatterns,
    *shop.patient_urlpatterns,
    *accounts.patient_urlpatterns,
    *authn.patient_urlpatterns,
    *legal.patient_urlpatterns,
    *common,
]
