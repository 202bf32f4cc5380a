"""Per-request language and time zone for the viewer."""

import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone

from hale.core.zones import known_zones

TZ_COOKIE = "hale_tz"


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie and the browser; then the
    language cookie; then the brand's default language (before Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = None
        if user is not None and user.is_authenticated and user.language:
            chosen = user.language
        elif settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            brand = getattr(request, "brand", None)
            if brand is not None and "HTTP_ACCEPT_LANGUAGE" not in request.META:
                chosen = brand.default_language
        if chosen:
            request.META["HTTP_ACCEPT_LANGUAGE"] = chosen
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = chosen
        return self.get_response(request)


def browser_time_zone(request) -> str:
    """The zone the browser reported (hale.js stores it URI-encoded in the ``hale_tz``
    cookie), or "" when absent or not a zone we know."""
    zone = unquote(request.COOKIES.get(TZ_COOKIE, ""))
    return zone if zone in known_zones() else ""


def viewer_time_zone(request) -> zoneinfo.ZoneInfo:
    """The zone to show times in: the user's saved zone, the zone the browser reported,
    the brand's default, then UTC."""
    candidates = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.time_zone:
        candidates.append(user.time_zone)
    candidates.append(browser_time_zone(request))
    brand = getattr(request, "brand", None)
    if brand is not None:
        candidates.append(brand.default_time_zone)
    for name in candidates:
        if not name:
            continue
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


class TimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = viewer_time_zone(request)
        request.time_zone = zone
        with timezone.override(zone):
            return self.get_response(request)
