"""The notification centre, on every host (included at /notifications/)."""

from django.urls import path

from hale.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read-all/", views.notification_mark_all_read, name="notification_mark_all_read"),
    path("unread-count/", views.notification_unread_count, name="notification_unread_count"),
    path("preferences/", views.notification_preferences, name="notification_preferences"),
    path(
        "<uuid:notification_uuid>/read/",
        views.notification_mark_read,
        name="notification_mark_read",
    ),
]
