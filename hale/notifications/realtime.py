"""WebSocket events for the bell: one channel-layer group per user.

Events carry the portal and brand they belong to; each consumer forwards only those of its
own host (see consumers.py). Pushing is best effort: a channel layer that is down must never
undo or break the change that caused the event, and the bell falls back to polling.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

CREATED = "notification.created"
COUNT = "notification.count"


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
