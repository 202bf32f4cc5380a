"""Small request helpers every app needs: a safe ``next`` address, the client's IP and
browser."""

import ipaddress
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from django_htmx.middleware import HtmxDetails

    from hale.accounts.models import User
    from hale.tenancy.models import Brand

logger = logging.getLogger(__name__)

NEXT_MAX_LENGTH = 500


def safe_next(request: HttpRequest, value: str | None, default: str = "") -> str:
    """``value`` if it is a path on this host (never another site, never ``//evil``), else
    ``default``. Use it for every ``next`` taken from a form, a query or a Referer."""
    if not value or len(value) > NEXT_MAX_LENGTH:
        return default
    if not value.startswith("/") or value.startswith("//") or value.startswith("/\\"):
        return default
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return value


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: ``REMOTE_ADDR``, or — only when ``TRUSTED_PROXY_COUNT`` (the
    ``ALLAUTH_TRUSTED_PROXY_COUNT`` setting) says that many proxies of ours sit in front —
    the entry those proxies added to ``X-Forwarded-For``. The same rule allauth uses for its
    rate limits, so a spoofed header is never believed. None when there is no usable one."""
    from allauth.account.adapter import get_adapter

    try:
        return str(ipaddress.ip_address(get_adapter(request).get_client_ip(request)))
    except (ValueError, PermissionDenied, ImproperlyConfigured):
        logger.debug("No usable client IP address for a request", exc_info=True)
        return None


def user_agent(request: HttpRequest, max_length: int = 512) -> str:
    return request.headers.get("user-agent", "")[:max_length]


# The request as Hale's middleware leaves it, for type-checking views. These classes are only
# annotations (the object is Django's own request): TenantMiddleware sets ``brand`` (None on
# the platform host) and ``portal``; django-htmx sets ``htmx``; views behind a sign-in check
# see a ``User``.
class PortalRequest(HttpRequest):
    brand: "Brand | None"
    portal: str | None
    htmx: "HtmxDetails"
    time_zone: "ZoneInfo"  # the viewer's zone (hale.core.middleware.TimezoneMiddleware)


class BrandRequest(PortalRequest):
    """A request on a brand's portal host (the views of ``hale.urls_brand``)."""

    brand: "Brand"


class SignedInRequest(PortalRequest):
    """A request of a signed-in user on either host (a view behind ``login_required``)."""

    user: "User"


class PatientRequest(BrandRequest):
    """A signed-in user's request on a brand's portal host."""

    user: "User"


def extend_csp(response: HttpResponse, directive: str, *sources: str) -> HttpResponse:
    """Allow ``sources`` for ``directive`` in this response's Content-Security-Policy only
    (e.g. a form that continues to a payment provider, a page compiling WebAssembly); every
    other page keeps the strict policy of ``SECURE_CSP``."""
    config = dict(getattr(response, "_csp_config", None) or settings.SECURE_CSP)
    config[directive] = [*config.get(directive, []), *sources]
    response._csp_config = config  # type: ignore[attr-defined]  # read by Django's CSP middleware
    return response
