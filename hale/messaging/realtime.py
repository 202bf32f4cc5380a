"""Live messaging over the one WebSocket every page already has (the bell's).

Messaging rides on ``hale.notifications.realtime``'s relay: events go to each participant's
user group tagged with the portal (and brand) they belong to, and the browser's socket
forwards them to the page. Typing notices come back the other way through a receiver
registered here. Pushing is best effort and after commit; pages also poll when the socket is
away, so nothing depends on an event arriving.
"""

import time

from channels.db import database_sync_to_async

from hale.notifications import realtime as bus
from hale.notifications.kinds import PATIENT, PLATFORM

CREATED = "message.created"
DELETED = "message.deleted"
READ = "message.read"
TYPING = "message.typing"
COUNT = "messages.count"
TYPING_EVERY = 2.0  # seconds between typing notices a socket may relay


def push(user_id: int, *, portal: str, brand_id: int | None, payload: dict) -> None:
    bus.relay(user_id, portal=portal, brand_id=brand_id, payload=payload)


def portal_of(side: str) -> str:
    from hale.messaging.models import Side

    return PATIENT if side == Side.PATIENT else PLATFORM


async def on_typing(consumer, content: dict) -> None:
    """A participant is typing in a conversation: tell the other side (rate limited)."""
    conversation_id = str(content.get("conversation", ""))[:64]
    state = consumer.state.setdefault("messaging_typing", {})
    now = time.monotonic()
    if now - state.get(conversation_id, 0.0) < TYPING_EVERY:
        return
    state[conversation_id] = now
    from hale.messaging import delivery

    await database_sync_to_async(delivery.relay_typing)(
        user=consumer.user,
        portal=consumer.portal,
        brand=consumer.brand,
        conversation_id=conversation_id,
    )


async def on_connect(consumer) -> dict | None:
    """The unread message count for the header, added to the socket's first message."""
    from hale.messaging import delivery

    total = await database_sync_to_async(delivery.unread_for_socket)(
        user=consumer.user, portal=consumer.portal, brand=consumer.brand
    )
    return None if total is None else {"messages_unread": total}


def connect() -> None:
    bus.on_receive(TYPING, on_typing)
    bus.on_connect(on_connect)
