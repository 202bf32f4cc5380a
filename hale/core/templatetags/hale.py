"""Template helpers used across every portal (registered as builtins)."""

import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def when(value: datetime.datetime | None, fmt: str = "DATETIME_FORMAT") -> str:
    """A moment in the viewer's time zone, with the zone named.

    For example "21 Nov 2026, 15:00 (Europe/Madrid)".
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    zone = timezone.get_current_timezone_name()
    return f"{formats.date_format(local, fmt)} ({zone})"


@register.simple_tag
def time_zone_name() -> str:
    return timezone.get_current_timezone_name()
