"""Calendar files (RFC 5545) for appointments, written with ``icalendar``."""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from hale.specialists.models import Modality

PRODID = "-//Hale//Scheduling//EN"


def appointment_calendar(appointment, *, for_patient: bool, url: str = "") -> bytes:
    """One appointment as an .ics file. Times are UTC (every calendar shows them in the
    reader's zone); SEQUENCE lets calendars update an imported event after a reschedule."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.uuid}@hale")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", appointment.sequence)
    other = (
        appointment.specialist.display_name
        if for_patient
        else (appointment.patient.full_name or appointment.patient.email)
    )
    event.add(
        "summary",
        _("%(session)s with %(other)s") % {"session": appointment.session_name, "other": other},
    )
    if appointment.modality == Modality.IN_PERSON and appointment.location:
        event.add("location", appointment.location)
    else:
        event.add("location", str(Modality(appointment.modality).label))
    if url:
        event.add("url", url)
        event.add("description", url)
    cancelled = appointment.status in ("cancelled", "declined", "expired")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
