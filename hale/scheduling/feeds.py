"""The private calendar feed (ICS subscription) of a specialist.

Tokens come from ``hale.core.tokens``: only their SHA-256 is stored, so a database leak does
not leak working URLs. Events carry the appointment's stable UID (the
same as the per-appointment .ics) and its SEQUENCE, so calendars update events in place.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from hale.core.tokens import hash_token, plausible_token
from hale.scheduling.ics import PRODID
from hale.specialists.models import Modality

PAST_DAYS = 30
FUTURE_DAYS = 365


def find_feed(token: str):
    """The active feed for ``token``, with its specialist, or None."""
    from hale.scheduling.models import CalendarFeed

    if not plausible_token(token):
        return None
    return (
        CalendarFeed.objects.select_related("specialist__user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )


def feed_calendar(specialist, *, show_names: bool, url_for=None, now=None) -> bytes:
    """The specialist's booked sessions from 30 days ago to a year ahead, as RFC 5545.

    Without ``show_names`` an event says only "Session (video)": the calendar provider
    keeps whatever the feed contains, so patient names go there only by opt-in.
    """
    from hale.scheduling.models import Appointment

    now = now or timezone.now()
    rows = (
        Appointment.objects.filter(
            specialist=specialist,
            status__in=Appointment.BOOKED_STATUSES,
            end__gt=now - dt.timedelta(days=PAST_DAYS),
            start__lt=now + dt.timedelta(days=FUTURE_DAYS),
        )
        .select_related("patient")
        .order_by("start", "pk")
    )
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Hale sessions"))
    cal.add("x-published-ttl", "PT30M")
    cal.add("refresh-interval", dt.timedelta(minutes=30), parameters={"VALUE": "DURATION"})
    for appointment in rows:
        event = Event()
        event.add("uid", f"appointment-{appointment.uuid}@hale")
        event.add("dtstamp", appointment.updated_at or now)
        event.add("dtstart", appointment.start)
        event.add("dtend", appointment.end)
        event.add("sequence", appointment.sequence)
        modality = str(Modality(appointment.modality).label).lower()
        if show_names:
            summary = _("%(session)s with %(patient)s") % {
                "session": appointment.session_name,
                "patient": appointment.patient.full_name or appointment.patient.email,
            }
        else:
            summary = _("Session (%(modality)s)") % {"modality": modality}
        event.add("summary", summary)
        if appointment.modality == Modality.IN_PERSON and appointment.location:
            event.add("location", appointment.location)
        if url_for is not None:
            event.add("url", url_for(appointment))
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
