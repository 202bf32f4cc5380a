"""URLs served on every host: sign-in, language, notifications, dev outbox, static media."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from hale.core import views as core_views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/language/", core_views.set_language, name="set_language"),
    path("notifications/", include("hale.notifications.urls")),
    # Before the My Account include (``account/``), so these paths resolve here.
    path("account/data/", include("hale.accounts.urls_data")),
    path("account/", include("hale.accounts.urls_account")),
]
if settings.DEV_OUTBOX:
    urlpatterns.append(path("dev/outbox/", include("hale.notifications.outbox_urls")))
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
