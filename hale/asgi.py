"""ASGI entry point: HTTP through Django, WebSocket through Channels, one process."""

import gc
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

# Everything loaded so far (Django, the apps, URL patterns, translations) lives as long as the
# process: leave it out of the garbage collector's full passes, which otherwise walk it all
# and pause the server for ~100 ms every few seconds under load. A request allocates tens of
# thousands of objects, nearly all freed by reference counting, so the youngest generation is
# collected every 10,000 allocations rather than 700 (bench/bench_messaging.py shows both).
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 20, 20)
