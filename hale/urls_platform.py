"""URLs of the platform host: the specialist portal under /practice/ (each app's
``practice_urlpatterns``), the staff back office under /staff/brands/<brand_slug>/ (each app's
``staff_urlpatterns``), and Django admin."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from hale.accounts import urls as accounts
from hale.consents import urls as consents
from hale.dashboards import views as dashboards
from hale.documents import urls as documents
from hale.helpcenter import urls as helpcenter
from hale.intake import urls as intake
from hale.legal import urls as legal
from hale.matching import urls as matching
from hale.messaging import urls as messaging
from hale.notifications import urls as notifications
from hale.payments import urls as payments
from hale.scheduling import urls as scheduling
from hale.shop import urls as shop
from hale.specialists import urls as specialists
from hale.tenancy import views as tenancy_views
from hale.urls_common import urlpatterns as common
from hale.video import urls as video

practice_urlpatterns = [
    *video.practice_urlpatterns,  # before scheduling: under its appointment paths
    *scheduling.practice_urlpatterns,
    *matching.practice_urlpatterns,
    *messaging.practice_urlpatterns,
    *documents.practice_urlpatterns,
    *consents.practice_urlpatterns,
    *intake.practice_urlpatterns,
    *payments.practice_urlpatterns,
    *specialists.practice_urlpatterns,
]

staff_urlpatterns = [
    path("settings/", tenancy_views.brand_settings, name="staff_brand_settings"),
    path("plan/", tenancy_views.brand_plan, name="staff_brand_plan"),
    *helpcenter.staff_urlpatterns,
    *legal.staff_urlpatterns,
    *accounts.staff_urlpatterns,
    *notifications.staff_urlpatterns,
    *matching.staff_urlpatterns,
    *messaging.staff_urlpatterns,
    *documents.staff_urlpatterns,
    *consents.staff_urlpatterns,
    *intake.staff_urlpatterns,
    *payments.staff_urlpatterns,
    *shop.staff_urlpatterns,
    *scheduling.staff_urlpatterns,
]

urlpatterns = [
    path("", dashboards.platform_home, name="home"),
    path("staff/", dashboards.staff_home, name="staff_home"),
    path("staff/brands/<slug:brand_slug>/", include(staff_urlpatterns)),
    *specialists.platform_urlpatterns,
    path("practice/patients/", dashboards.practice_patients, name="practice_patients"),
    path("practice/", include(practice_urlpatterns)),
    # Django admin signs in through allauth's login (rate-limited, two-factor aware).
    path("admin/login/", secure_admin_login(admin.site.login)),
    path("admin/", admin.site.urls),
    *common,
]
