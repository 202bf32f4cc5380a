"""Scheduling: session types, availability, appointments and their history.

Times of availability (weekly rules, date overrides, breaks) are *local wall-clock times in the
specialist's zone*; the slot engine (``hale.scheduling.slots``) turns them into UTC instants
day by day, so DST is right. Appointments, one-off slots and busy times are stored in UTC.

The models live by concern in this package's modules; import them from here.
"""

from hale.scheduling.models.appointments import (
    MAX_APPOINTMENT_SPAN,
    Appointment,
    AppointmentEvent,
    AppointmentQuerySet,
    Reminder,
)
from hale.scheduling.models.availability import (
    Break,
    DateOverride,
    OneOffSlot,
    SessionType,
    Weekday,
    WeeklyRule,
    currency_code,
    specialist_zone,
)
from hale.scheduling.models.calendars import BusySource, BusyTime, CalendarFeed
from hale.scheduling.models.policies import BookingPolicy, SchedulePreferences
from hale.scheduling.models.requests import AvailabilityRequest, AvailabilityRequestQuerySet

__all__ = [
    "MAX_APPOINTMENT_SPAN",
    "Appointment",
    "AppointmentEvent",
    "AppointmentQuerySet",
    "AvailabilityRequest",
    "AvailabilityRequestQuerySet",
    "BookingPolicy",
    "Break",
    "BusySource",
    "BusyTime",
    "CalendarFeed",
    "DateOverride",
    "OneOffSlot",
    "Reminder",
    "SchedulePreferences",
    "SessionType",
    "Weekday",
    "WeeklyRule",
    "currency_code",
    "specialist_zone",
]
