"""What an acceptance records about the request: the client's IP address and browser."""

import logging

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: ``REMOTE_ADDR``, or — only when ``TRUSTED_PROXY_COUNT`` (the
    ``ALLAUTH_TRUSTED_PROXY_COUNT`` setting) says that many proxies of ours sit in front —
    the entry those proxies added to ``X-Forwarded-For``. The same rule allauth uses for its
    rate limits, so a spoofed header is never believed."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        logger.warning("No usable client IP address for a legal acceptance", exc_info=True)
        return None


def user_agent(request: HttpRequest) -> str:
    return request.headers.get("user-agent", "")
