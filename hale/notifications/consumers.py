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


def scope_host(scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return value.decode("latin-1")
    server = scope.get("server")
    return server[0] if server else ""


class SmallJsonConsumer(AsyncJsonWebsocketConsumer):
    """A socket that takes small JSON text frames only: binary, oversized (over
    ``MAX_RECEIVE`` characters) or malformed frames are dropped without a word."""

    MAX_RECEIVE = 4096

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if text_data is None or len(text_data) > self.MAX_RECEIVE:
            return
        try:
            await super().receive(text_data=text_data, **kwargs)
        except ValueError:
            return


class NotificationConsumer(SmallJsonConsumer):
    """Joins the signed-in user's group and forwards events of this host's portal."""

    user = None
    group_name: str | None = None
    portal: str | None = None
    brand = None
    state: dict

    # The most browser messages one socket may send in a burst (typing notices).
    MAX_RECEIVE = 4096

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        host = scope_host(self.scope)
        if is_platform_host(host):
            self.portal, self.brand = PLATFORM, None
        else:
            self.brand = await database_sync_to_async(brand_for_host)(host)
            if self.brand is None:
                await self.close(code=CLOSE_UNKNOWN_HOST)
                return
            self.portal = PATIENT
        self.user = user
        self.state = {}
        self.group_name = realtime.group_for_user(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        # The page may be older than the last change: start from the current count.
        count = await database_sync_to_async(unread_count)(
            user, brand=self.brand, portal=self.portal
        )
        initial = {"type": realtime.COUNT, "unread": count}
        for handler in realtime.connect_handlers:
            # Higher apps add their own starting figures (messaging: unread messages).
            initial.update(await handler(self) or {})
        await self.send_json(initial)

    async def disconnect(self, code) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # Only message types a higher app registered are handled; the rest is ignored.
        if not isinstance(content, dict) or self.user is None:
            return
        handler = realtime.receivers.get(str(content.get("type", "")))
        if handler is not None:
            await handler(self, content)

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

    async def relay_event(self, event: dict) -> None:
        if self._ours(event) and isinstance(event.get("payload"), dict):
            await self.send_json(event["payload"])

    async def notification_count(self, event: dict) -> None:
        if self._ours(event):
            await self.send_json({"type": realtime.COUNT, "unread": event["unread"]})
