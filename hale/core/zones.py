"""The time zones Hale knows, read from the system's tz database once per process.

``zoneinfo.available_timezones()`` walks the whole zoneinfo tree on every call (about 10 ms);
the viewer's zone is checked on every request, so it must come from here.
"""

import functools
import zoneinfo

# Aliases kept in the tz database for backwards compatibility; nobody picks them from a list.
LEGACY_ZONE_PREFIXES = (
    "Etc/",
    "SystemV/",
    "US/",
    "posix",
    "right/",
    "Brazil/",
    "Canada/",
    "Chile/",
    "Mexico/",
)


@functools.cache
def known_zones() -> frozenset[str]:
    """Every zone name the tz database has (aliases included): what a stored value may be."""
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def everyday_zones() -> tuple[str, ...]:
    """The zones people live in (Area/City, no legacy aliases), UTC first, sorted: what a
    list offers."""
    names = {z for z in known_zones() if "/" in z and not z.startswith(LEGACY_ZONE_PREFIXES)}
    return ("UTC", *sorted(names))


def first_zone(*names: str) -> zoneinfo.ZoneInfo:
    """The first of ``names`` that is a zone the tz database has (empty and unknown names are
    passed over), else UTC."""
    for name in names:
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")
