"""URLs of notifications: the centre on every host, announcements in the staff back office,
and the dev outbox (only when ``DEV_OUTBOX`` is on)."""

from django.conf import settings
from django.urls import path

from hale.notifications import views

common_urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/read-all/",
        views.notification_mark_all_read,
        name="notification_mark_all_read",
    ),
    path(
        "notifications/unread-count/",
        views.notification_unread_count,
        name="notification_unread_count",
    ),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/<uuid:notification_uuid>/read/",
        views.notification_mark_read,
        name="notification_mark_read",
    ),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("announcements/", views.staff_announcements, name="staff_announcements"),
]

outbox_urlpatterns = [
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
    path("dev/outbox/<uuid:email_uuid>/", views.dev_outbox_email, name="dev_outbox_email"),
    path("dev/outbox/<uuid:email_uuid>/html/", views.dev_outbox_html, name="dev_outbox_html"),
]

if settings.DEV_OUTBOX:
    common_urlpatterns += outbox_urlpatterns
