"""Notification kinds of scheduling (discovered by NotificationsConfig.ready).

Every kind is shown on both portals: the patient reads it on their brand, the specialist on
the platform host. ``hale.scheduling.actions`` passes ``portal=`` explicitly.
"""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import PATIENT, PLATFORM, Kind, register

_BOTH = (PATIENT, PLATFORM)

APPOINTMENT_BOOKED = register(
    Kind(
        key="appointment.booked",
        label=_("Appointment booked"),
        description=_("When a session is booked."),
        order=50,
        portals=_BOTH,
    )
)
APPOINTMENT_PROPOSED = register(
    Kind(
        key="appointment.proposed",
        label=_("Appointment proposed"),
        description=_("When a specialist proposes a session time."),
        order=51,
        portals=_BOTH,
    )
)
APPOINTMENT_ACCEPTED = register(
    Kind(
        key="appointment.accepted",
        label=_("Proposal accepted"),
        description=_("When a proposed session is accepted."),
        order=52,
        portals=_BOTH,
    )
)
APPOINTMENT_DECLINED = register(
    Kind(
        key="appointment.declined",
        label=_("Proposal declined"),
        description=_("When a proposed session is declined."),
        order=53,
        portals=_BOTH,
    )
)
APPOINTMENT_WITHDRAWN = register(
    Kind(
        key="appointment.withdrawn",
        label=_("Proposal withdrawn"),
        description=_("When a specialist withdraws a proposed session."),
        order=54,
        portals=_BOTH,
    )
)
APPOINTMENT_EXPIRED = register(
    Kind(
        key="appointment.expired",
        label=_("Proposal expired"),
        description=_("When a proposed session was not answered in time."),
        order=55,
        portals=_BOTH,
    )
)
APPOINTMENT_CANCELLED = register(
    Kind(
        key="appointment.cancelled",
        label=_("Appointment cancelled"),
        description=_("When a session is cancelled."),
        order=56,
        portals=_BOTH,
    )
)
APPOINTMENT_RESCHEDULED = register(
    Kind(
        key="appointment.rescheduled",
        label=_("Appointment rescheduled"),
        description=_("When a session moves to another time."),
        order=57,
        portals=_BOTH,
    )
)
APPOINTMENT_PROPOSAL_CHANGED = register(
    Kind(
        key="appointment.proposal_changed",
        label=_("Proposal changed"),
        description=_("When a specialist changes a proposed session."),
        order=58,
        portals=_BOTH,
    )
)
AVAILABILITY_REQUESTED = register(
    Kind(
        key="availability.requested",
        label=_("Availability request"),
        description=_("When a patient asks you for session times."),
        portals=(PLATFORM,),
        order=59,
    )
)
AVAILABILITY_DECLINED = register(
    Kind(
        key="availability.declined",
        label=_("Availability request declined"),
        description=_("When a specialist cannot offer times for your request."),
        portals=(PATIENT,),
        order=60,
    )
)
AVAILABILITY_EXPIRED = register(
    Kind(
        key="availability.expired",
        label=_("Availability request expired"),
        description=_("When an availability request was not answered in time."),
        order=61,
        portals=_BOTH,
    )
)
BUSY_IMPORT_FAILED = register(
    Kind(
        key="scheduling.busy_import_failed",
        label=_("External calendar problem"),
        description=_("When an external calendar you import busy times from cannot be read."),
        portals=(PLATFORM,),
        order=62,
    )
)
APPOINTMENT_REMINDER = register(
    Kind(
        key="appointment.reminder",
        label=_("Session reminder"),
        description=_("A day and an hour before each session (as the clinic sets them)."),
        order=58,
        portals=_BOTH,
    )
)
