"""The dev outbox (included at /dev/outbox/ only when settings.DEV_OUTBOX)."""

from django.urls import path

from hale.notifications import views

urlpatterns = [
    path("", views.dev_outbox, name="dev_outbox"),
    path("<uuid:email_uuid>/", views.dev_outbox_email, name="dev_outbox_email"),
    path("<uuid:email_uuid>/html/", views.dev_outbox_html, name="dev_outbox_html"),
]
