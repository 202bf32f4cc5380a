"""Busy times from external calendars (ICS over http/https): fetch safely, parse, expand.

Fetching guards against server-side request forgery: only http/https (``webcal://`` is read
as https), the host is resolved once and every address must be public unless
``ICS_IMPORT_ALLOW_PRIVATE`` (DEBUG and tests only), the connection goes to the address that
was checked (no second lookup to rebind), redirects are followed at most three times and
checked again, and the body is cut off at ``ICS_IMPORT_MAX_BYTES`` within
``ICS_IMPORT_TIMEOUT`` seconds.

Parsing keeps events that block time (not TRANSPARENT, not CANCELLED), expands RRULE/RDATE
minus EXDATE with ``dateutil.rrule`` over the next ``HORIZON_DAYS``, applies moved or
cancelled single occurrences (RECURRENCE-ID), and reads all-day and floating times in the
specialist's zone.
"""

import datetime as dt
import http.client
import ipaddress
import socket
import ssl
import time
import zoneinfo
from urllib.parse import urljoin, urlsplit

from dateutil import rrule
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar

HORIZON_DAYS = 90
MAX_EVENTS = 5000
MAX_REDIRECTS = 3
USER_AGENT = "Hale busy-time import (+https://github.com/)"


class ImportFailed(Exception):
    """A feed we cannot use, with a message for the specialist."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def fetch_interval() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "ICS_IMPORT_INTERVAL_MINUTES", 30))


def _allow_private() -> bool:
    return bool(getattr(settings, "ICS_IMPORT_ALLOW_PRIVATE", False))


def normalise_url(url: str) -> str:
    """A clean http(s) URL, or ImportFailed with a message for the form."""
    url = (url or "").strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportFailed(gettext_lazy("Enter a calendar address starting with https://."))
    if parts.username or parts.password:
        raise ImportFailed(gettext_lazy("Calendar addresses with a password are not supported."))
    if len(url) > 2000:
        raise ImportFailed(gettext_lazy("This address is too long."))
    try:
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise ImportFailed(gettext_lazy("Enter a valid calendar address.")) from exc
    return url


def _public_address(host: str, port: int) -> str:
    """Resolve ``host`` and return one address to connect to; refuse private ones."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ImportFailed(_("The calendar's server could not be found.")) from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise ImportFailed(_("The calendar's server could not be found."))
    if not _allow_private():
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise ImportFailed(_("This address points to a private network."))
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str) -> bytes:
    """The feed's body, or ImportFailed (unreachable, too slow, too big, not 200)."""
    timeout = float(getattr(settings, "ICS_IMPORT_TIMEOUT", 10))
    limit = int(getattr(settings, "ICS_IMPORT_MAX_BYTES", 2 * 1024 * 1024))
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        url = normalise_url(url)
        parts = urlsplit(url)
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        if not parts.hostname:
            raise ImportFailed(_("Enter a calendar address starting with https://."))
        address = _public_address(parts.hostname, port)
        conn_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        conn = conn_class(parts.hostname, port, address, timeout)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            conn.request(
                "GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*"}
            )
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location", "")
                if not location:
                    raise ImportFailed(_("The calendar's server answered with a bad redirect."))
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise ImportFailed(
                    _("The calendar's server answered with error %(status)s.")
                    % {"status": response.status}
                )
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise ImportFailed(_("The calendar's server took too long to answer."))
                chunk = (
                    response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                )
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise ImportFailed(_("The calendar is too large to import."))
                chunks.append(chunk)
            return b"".join(chunks)
        except TimeoutError as exc:
            raise ImportFailed(_("The calendar's server took too long to answer.")) from exc
        except ssl.SSLError as exc:
            raise ImportFailed(
                _("The calendar's secure connection could not be verified.")
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise ImportFailed(_("The calendar's server could not be reached.")) from exc
        finally:
            conn.close()
    raise ImportFailed(_("The calendar's server redirected too many times."))


# --- Parsing ----------------------------------------------------------------------------------


def _as_utc(value, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A DATE (local midnight), floating or zoned DATE-TIME as a UTC instant."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def _prop_values(component, name) -> list:
    """All date values of a multi-valued property (EXDATE/RDATE may repeat)."""
    raw = component.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        dts = getattr(item, "dts", None)
        if dts is None:
            continue
        for d in dts:
            value = d.dt
            if isinstance(value, tuple):  # RDATE as a PERIOD
                value = value[0]
            out.append(value)
    return out


def _occurrence_starts(event, start, window_start, window_end, zone):
    """Start values of a (possibly recurring) event from ``window_start`` to ``window_end``
    (UTC), as the event wrote them (so EXDATE/RECURRENCE-ID compare exactly)."""
    rule = event.get("RRULE")
    starts = []
    if rule is not None:
        text = rule.to_ical().decode()
        is_date = not isinstance(start, dt.datetime)
        anchor = dt.datetime.combine(start, dt.time(0)) if is_date else start
        if "UNTIL=" in text and anchor.tzinfo is None:
            # dateutil wants a naive UNTIL with a naive start.
            text = ";".join(
                p if not p.startswith("UNTIL=") else p.rstrip("Z") for p in text.split(";")
            )
        try:
            recurrence = rrule.rrulestr(text, dtstart=anchor)
        except (ValueError, TypeError) as exc:
            raise ImportFailed(_("The calendar contains a repeat rule we cannot read.")) from exc
        lo, hi = window_start, window_end
        if anchor.tzinfo is None:
            # Floating/all-day: compare in the specialist's zone.
            lo = window_start.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
            hi = window_end.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
        else:
            lo = lo.astimezone(anchor.tzinfo)
            hi = hi.astimezone(anchor.tzinfo)
        for occurrence in recurrence.between(lo - dt.timedelta(days=1), hi, inc=True):
            starts.append(occurrence.date() if is_date else occurrence)
            if len(starts) > MAX_EVENTS:
                raise ImportFailed(_("The calendar has too many events to import."))
    else:
        starts.append(start)
    starts += _prop_values(event, "RDATE")
    excluded = {_as_utc(v, zone) for v in _prop_values(event, "EXDATE")}
    return [s for s in starts if _as_utc(s, zone) not in excluded]


def parse_busy(
    body: bytes, *, zone: zoneinfo.ZoneInfo, now: dt.datetime, horizon_days: int = HORIZON_DAYS
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Busy intervals (UTC, sorted, merged) from an ICS body, from ``now`` to the horizon."""
    from hale.scheduling.slots import merge

    try:
        calendar = Calendar.from_ical(body)
    except Exception as exc:  # icalendar raises ValueError and friends on bad input
        raise ImportFailed(_("The address did not return a calendar (ICS) file.")) from exc
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise ImportFailed(_("The address did not return a calendar (ICS) file."))
    window_start, window_end = now, now + dt.timedelta(days=horizon_days)
    events = [c for c in calendar.walk("VEVENT")]
    # Single occurrences moved or cancelled (RECURRENCE-ID) replace the series' instance.
    overridden: set[tuple[str, dt.datetime]] = set()
    for event in events:
        rid = event.get("RECURRENCE-ID")
        if rid is not None:
            overridden.add((str(event.get("UID", "")), _as_utc(rid.dt, zone)))
    out = []
    for event in events:
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        dtstart = event.get("DTSTART")
        if dtstart is None:
            continue
        start = dtstart.dt
        if event.get("DTEND") is not None:
            length = _as_utc(event.get("DTEND").dt, zone) - _as_utc(start, zone)
        elif event.get("DURATION") is not None:
            length = event.get("DURATION").dt
        else:
            length = dt.timedelta(days=1) if not isinstance(start, dt.datetime) else dt.timedelta(0)
        if length <= dt.timedelta(0):
            continue
        day_count = 1
        if not isinstance(start, dt.datetime):
            end_value = event.get("DTEND").dt if event.get("DTEND") is not None else None
            if isinstance(end_value, dt.date) and not isinstance(end_value, dt.datetime):
                day_count = max(1, (end_value - start).days)
            else:
                day_count = max(1, round(length / dt.timedelta(days=1)))
        uid = str(event.get("UID", ""))
        is_override = event.get("RECURRENCE-ID") is not None
        for occurrence in _occurrence_starts(event, start, window_start, window_end, zone):
            begin = _as_utc(occurrence, zone)
            if not is_override and (uid, begin) in overridden:
                continue
            if not isinstance(occurrence, dt.datetime):
                # All-day: whole local days, right across DST.
                end = _as_utc(occurrence + dt.timedelta(days=day_count), zone)
            else:
                end = begin + length
            if end > window_start and begin < window_end:
                out.append((begin, end))
                if len(out) > MAX_EVENTS:
                    raise ImportFailed(_("The calendar has too many events to import."))
    return merge(out)
