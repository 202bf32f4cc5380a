"""The signalling WebSocket of a video room (``/ws/video/<room_id>/``): it relays the two
browsers' WebRTC offers, answers and ICE candidates to each other; media flows between them
(or through TURN), never through here.

Authorised per appointment at connect, with the same rules as the page
(``access.join_state``): the appointment's patient on their brand's host or its specialist on
the platform host, inside the join window, nothing refusing. Anyone else is closed with a
code the page explains and does not retry. The session guard (``WebSocketSessionGuard``)
closes the socket within seconds of signing out. One connection per person: a second tab
replaces the first (4409).
"""

from channels.db import database_sync_to_async

from hale.notifications.consumers import CLOSE_UNAUTHENTICATED, SmallJsonConsumer, scope_host
from hale.tenancy.access import brand_for_host
from hale.tenancy.middleware import is_platform_host
from hale.video import access, actions
from hale.video.models import SessionEvent

CLOSE_REFUSED = 4403
CLOSE_UNKNOWN_ROOM = 4404
CLOSE_OUTSIDE_WINDOW = 4408
CLOSE_REPLACED = 4409


def _admit(room_id: str, user, host: str):
    """(room, role, close code): who this is in the room, or why they may not enter."""
    room = access.room(room_id)
    if room is None:
        return None, None, CLOSE_UNKNOWN_ROOM
    appointment = room.appointment
    role = access.role_of(appointment, user)
    if role is None:
        return None, None, CLOSE_UNKNOWN_ROOM  # as if there were no such room
    if role == "patient":
        brand = brand_for_host(host)
        if brand is None or brand.pk != appointment.brand_id:
            return None, None, CLOSE_UNKNOWN_ROOM
    elif not is_platform_host(host):
        return None, None, CLOSE_UNKNOWN_ROOM
    state = access.join_state(appointment, user)
    if state.state in (access.EARLY, access.ENDED):
        return None, None, CLOSE_OUTSIDE_WINDOW
    if not state.is_open:
        return None, None, CLOSE_REFUSED
    return room, role, None


class SignallingConsumer(SmallJsonConsumer):
    MAX_RECEIVE = 64 * 1024  # an SDP offer is a few KB

    room = None
    role: str | None = None
    group_name: str | None = None
    replaced = False
    left = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        room_id = str(self.scope["url_route"]["kwargs"]["room_id"])[:64]
        room, role, refused = await database_sync_to_async(_admit)(
            room_id, user, scope_host(self.scope)
        )
        if refused is not None:
            await self.close(code=refused)
            return
        self.room, self.role, self.user = room, role, user
        self.group_name = f"video.{room.room_id}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "welcome", "role": role, "polite": role == "patient", "peer_present": False}
        )
        await database_sync_to_async(actions.record)(room, user, role, SessionEvent.Kind.JOINED)
        await self._group("video.hello", role=role, sender=self.channel_name)

    async def disconnect(self, code) -> None:
        if self.group_name is None:
            return
        await self.channel_layer.group_discard(self.group_name, self.channel_name)
        await self._leave()

    async def _leave(self) -> None:
        """Tell the other participant and record it, once (on "leave" or on disconnect)."""
        if self.left:
            return
        self.left = True
        if not self.replaced:
            await self._group("video.bye", role=self.role, sender=self.channel_name)
        await database_sync_to_async(actions.record)(
            self.room, self.user, self.role, SessionEvent.Kind.LEFT
        )

    async def _group(self, kind: str, **payload) -> None:
        await self.channel_layer.group_send(self.group_name, {"type": kind, **payload})

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict) or self.group_name is None:
            return
        kind = content.get("type")
        if kind == "signal" and isinstance(content.get("data"), dict):
            await self._group("video.signal", data=content["data"], sender=self.channel_name)
        elif kind == "event" and content.get("name") == "reconnected":
            await database_sync_to_async(actions.record)(
                self.room, self.user, self.role, SessionEvent.Kind.RECONNECTED
            )
        elif kind == "leave":
            await self._leave()
            await self.close()

    # --- group messages -------------------------------------------------------------------

    async def video_hello(self, event: dict) -> None:
        if event["sender"] == self.channel_name:
            return
        if event["role"] == self.role:
            # The same person opened the room again (another tab or device): that one wins.
            self.replaced = True
            await self.close(code=CLOSE_REPLACED)
            return
        await self.send_json({"type": "peer-joined", "role": event["role"]})
        await self.channel_layer.send(event["sender"], {"type": "video.here", "role": self.role})

    async def video_here(self, event: dict) -> None:
        await self.send_json({"type": "peer-joined", "role": event["role"]})

    async def video_bye(self, event: dict) -> None:
        if event["sender"] != self.channel_name and event["role"] != self.role:
            await self.send_json({"type": "peer-left", "role": event["role"]})

    async def video_signal(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send_json({"type": "signal", "data": event["data"]})
