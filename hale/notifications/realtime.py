"""WebSocket events for the bell: one channel-layer group per user.

Events carry the portal and brand they belong to; each consumer forwards only those of its
own host (see consumers.py). Pushing is best effort: a channel layer that is down must never
undo or break the change that caused the event, and the bell falls back to polling.

The socket is shared by higher apps (messaging) without this app knowing them: ``relay``
sends any payload to a user's pages of one portal, ``on_receive`` registers a handler for a
message type the browser sends, and ``on_connect`` one that adds fields to the first message a
socket sends (an initial count). Handlers are async and get the consumer (``user``, ``portal``,
``brand`` and a per-socket ``state`` dict).
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

CREATED = "notification.created"
COUNT = "notification.count"
RELAY = "relay.event"

Receiver = Callable[[Any, dict], Awaitable[None]]
ConnectHandler = Callable[[Any], Awaitable[dict | None]]
receivers: dict[str, Receiver] = {}
connect_handlers: list[ConnectHandler] = []


def on_receive(message_type: str, handler: Receiver) -> None:
    """Handle browser messages of ``message_type`` (one handler per type; idempotent)."""
    receivers[message_type] = handler


def on_connect(handler: ConnectHandler) -> None:
    if handler not in connect_handlers:
        connect_handlers.append(handler)


def relay(user_id: int, *, portal: str, brand_id: int | None, payload: dict) -> None:
    """Send ``payload`` as it is to ``user_id``'s open pages of ``portal`` (and brand)."""
    push(user_id, {"type": RELAY, "portal": portal, "brand_id": brand_id, "payload": payload})


def group_for_user(user_id: int) -> str:
    return f"notifications.user.{user_id}"


def push(user_id: int, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_for_user(user_id), event)
    except Exception:
        logger.warning("Could not push %s to user %s", event.get("type"), user_id, exc_info=True)


def event(kind: str, *, portal: str, brand_id: int | None, unread: int, **extra) -> dict:
    return {"type": kind, "portal": portal, "brand_id": brand_id, "unread": unread, **extra}
