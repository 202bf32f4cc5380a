"""The ICE servers a call page gets: STUN and TURN from configuration, with TURN credentials
minted per person under the TURN REST shared-secret scheme (coturn's ``use-auth-secret``):
username ``<expiry unix time>:<user id>``, password base64(HMAC-SHA1(secret, username)). They
expire after ``VIDEO_TURN_TTL_SECONDS``, so a leaked page is no lasting relay."""

import base64
import hashlib
import hmac
import time

from django.conf import settings


def turn_credentials(user_id: int, *, now: float | None = None) -> tuple[str, str]:
    expiry = int((now or time.time()) + settings.VIDEO_TURN_TTL_SECONDS)
    username = f"{expiry}:{user_id}"
    digest = hmac.new(settings.VIDEO_TURN_SECRET.encode(), username.encode(), hashlib.sha1)
    return username, base64.b64encode(digest.digest()).decode()


def ice_config(user) -> dict:
    servers: list[dict] = []
    if settings.VIDEO_STUN_URLS:
        servers.append({"urls": list(settings.VIDEO_STUN_URLS)})
    if settings.VIDEO_TURN_URLS and settings.VIDEO_TURN_SECRET:
        username, credential = turn_credentials(user.pk)
        servers.append(
            {"urls": list(settings.VIDEO_TURN_URLS), "username": username, "credential": credential}
        )
    return {"iceServers": servers, "iceTransportPolicy": settings.VIDEO_ICE_TRANSPORT_POLICY}
