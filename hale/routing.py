"""WebSocket routes (Channels)."""

from django.urls import path

from hale.notifications.consumers import NotificationConsumer
from hale.video import urls as video

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    *video.websocket_urlpatterns,
]
