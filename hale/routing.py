"""WebSocket routes (Channels)."""

from django.urls import path

from hale.notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
