"""URLs served on every host: sign-in, language, My Account, notifications, dev outbox."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from hale.accounts import urls as accounts
from hale.accounts.views import account as views_account
from hale.core import views as core_views
from hale.notifications import urls as notifications
from hale.payments import urls as payments

urlpatterns = [
    path("healthz/", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/language/", views_account.set_language, name="set_language"),
    *notifications.common_urlpatterns,
    *accounts.common_urlpatterns,
    *payments.common_urlpatterns,
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
