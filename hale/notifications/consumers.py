"""The bell's WebSocket: live unread counts and new-notification titles for one user.

The socket belongs to the host it was opened on: on a brand host it carries only that
brand's patient notifications, on the platform host only platform ones, just like the
notification centre page of that host.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hale.notifications import realtime
from hale.notifications.access import unread_count
from hale.notifications.kinds import PATIENT, PLATFORM
from hale.tenancy.access import brand_for_host
from hale.tenancy.middleware import is_platform_host

# Close codes (4000-4999 are ours): the JS does not retry these.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_UNKNOWN_HOST = 4404


def _host(scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return value.decode("latin-1")
    server = scope.get("server")
    return server[0] if server else ""


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Joins the signed-in user's group and forwards events of this host's portal."""

    user = None
    group_name: str | None = None
    portal: str | None = None
    brand = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        host = _host(self.scope)
        if is_platform_host(host):
            self.portal, self.brand = PLATFORM, None
        else:
            self.brand = await database_sync_to_async(brand_for_host)(host)
            if self.brand is None:
                await self.close(code=CLOSE_UNKNOWN_HOST)
                return
            self.portal = PATIENT
        self.user = user
        self.group_name = realtime.group_for_user(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        # The page may be older than the last change: start from the current count.
        count = await database_sync_to_async(unread_count)(
            user, brand=self.brand, portal=self.portal
        )
        await self.send_json({"type": realtime.COUNT, "unread": count})

    async def disconnect(self, code) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # The socket is push-only; anything the browser sends is ignored.
        return

    def _ours(self, event: dict) -> bool:
        if event.get("portal") != self.portal:
            return False
        if self.portal == PATIENT:
            return self.brand is not None and event.get("brand_id") == self.brand.pk
        return True

    async def notification_created(self, event: dict) -> None:
        if self._ours(event):
            await self.send_json(
                {
                    "type": realtime.CREATED,
                    "unread": event["unread"],
                    "title": event.get("title", ""),
                    "uuid": event.get("uuid", ""),
                }
            )

    async def notification_count(self, event: dict) -> None:
        if self._ours(event):
            await self.send_json({"type": realtime.COUNT, "unread": event["unread"]})
