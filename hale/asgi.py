"""ASGI entry point: HTTP through Django, WebSocket through Channels, one process."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hale.settings")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from hale.accounts.session_security import WebSocketSessionGuard  # noqa: E402
from hale.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(WebSocketSessionGuard(URLRouter(websocket_urlpatterns)))
        ),
    }
)
