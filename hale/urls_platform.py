"""URLs of the platform host: specialist portal, staff back office, Django admin."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from hale.core import views as core_views
from hale.tenancy import views as tenancy_views
from hale.urls_common import urlpatterns as common

urlpatterns = [
    path("", core_views.platform_home, name="home"),
    path("staff/", core_views.staff_home, name="staff_home"),
    path(
        "staff/brands/<slug:brand_slug>/settings/",
        tenancy_views.brand_settings,
        name="staff_brand_settings",
    ),
    path("staff/brands/<slug:brand_slug>/help/", include("hale.helpcenter.staff_urls")),
    path("staff/brands/<slug:brand_slug>/legal/", include("hale.legal.staff_urls")),
    path("staff/brands/<slug:brand_slug>/patients/", include("hale.accounts.urls_staff")),
    path(
        "staff/brands/<slug:brand_slug>/announcements/",
        include("hale.notifications.staff_urls"),
    ),
    path("staff/brands/<slug:brand_slug>/listings/", include("hale.matching.urls_staff")),
    path("staff/brands/<slug:brand_slug>/programs/", include("hale.matching.urls_programs_staff")),
    path("staff/brands/<slug:brand_slug>/leads/", include("hale.matching.urls_leads_staff")),
    path(
        "staff/brands/<slug:brand_slug>/questionnaire/",
        include("hale.matching.urls_questionnaire_staff"),
    ),
    path("staff/reviews/", include("hale.specialists.staff_urls")),
    path("practice/schedule/", include("hale.scheduling.urls_practice")),
    path("practice/listings/", include("hale.matching.urls_practice")),
    path("practice/supervision/", include("hale.matching.urls_leads_practice")),
    path("practice/", include("hale.specialists.urls")),
    # Django admin signs in through allauth's login (rate-limited, two-factor aware).
    path("admin/login/", secure_admin_login(admin.site.login)),
    path("admin/", admin.site.urls),
    *common,
]
