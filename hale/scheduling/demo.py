"""Demo schedule: session types and weekly hours for every approved demo specialist, and for
each demo patient who has set up their account (alex, priya, jo) past sessions, an upcoming
one, a proposal waiting for their answer and an open availability request to another
specialist, so both portals' pages have something to show and answer.

``seed_demo_schedule()`` is idempotent: it adds what is missing (looked up by natural keys)
and never touches what a newcomer changed. Called by ``hale.demo.seed``.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from hale.accounts.models import Patient
from hale.scheduling import actions
from hale.scheduling.models import (
    Appointment,
    AvailabilityRequest,
    BookingPolicy,
    SessionType,
    WeeklyRule,
    specialist_zone,
)
from hale.scheduling.slots import offered_slots
from hale.scheduling.windows import TimeWindow
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand

SCHEDULES: dict[str, dict[str, Any]] = {
    "dr.rivera@hale.example": {
        "types": [
            ("Therapy session", 50, 7000, "EUR", "video", "", 0, 10),
            ("Introductory call", 20, 0, "EUR", "phone", "", 0, 5),
            ("In-person session", 50, 8000, "EUR", "in_person", "Calle Mayor 1, Madrid", 15, 15),
        ],
        # Monday to Friday 09:00–13:00 and 15:00–19:00 (Madrid).
        "hours": [(d, 9, 13) for d in range(5)] + [(d, 15, 19) for d in range(5)],
    },
    "dr.okafor@hale.example": {
        "types": [
            ("Counselling session", 50, 9000, "USD", "video", "", 0, 10),
            ("Check-in", 25, 4000, "USD", "phone", "", 0, 5),
        ],
        # Monday to Thursday 10:00–18:00 (New York).
        "hours": [(d, 10, 18) for d in range(4)],
    },
    "dr.moreau@hale.example": {
        "types": [
            ("Psychiatric assessment", 60, 15000, "EUR", "video", "", 0, 15),
            ("Medication review", 25, 6000, "EUR", "video", "", 0, 5),
        ],
        "hours": [(d, 8, 14) for d in (0, 2, 4)],
    },
    "dr.tanaka@hale.example": {
        "types": [("Counselling session", 50, 6500, "GBP", "video", "", 0, 10)],
        "hours": [(d, 12, 20) for d in range(5)],
    },
    "dr.silva@hale.example": {
        "types": [("Psychotherapy session", 50, 7500, "EUR", "video", "", 0, 10)],
        "hours": [(d, 9, 17) for d in (1, 2, 3)],
    },
    "dr.weber@hale.example": {
        "types": [("Family session", 60, 9000, "EUR", "video", "", 0, 15)],
        "hours": [(d, 14, 19) for d in range(5)],
    },
    "dr.mensah@hale.example": {
        "types": [
            ("Counselling session", 50, 8000, "USD", "video", "", 0, 10),
            ("Check-in call", 20, 3000, "USD", "phone", "", 0, 5),
        ],
        "hours": [(d, 7, 13) for d in range(5)],
    },
    "dr.costa@hale.example": {
        "types": [("Nutrition consultation", 45, 6000, "EUR", "video", "", 0, 10)],
        "hours": [(d, 9, 14) for d in range(4)],
    },
}

BOOKINGS = [
    # (patient email, brand slug, specialist email, session name, days ahead)
    ("alex@calm.example", "calm", "dr.rivera@hale.example", "Therapy session", 3),
    ("priya@northside.example", "northside", "dr.okafor@hale.example", "Counselling session", 4),
    ("jo@northside.example", "northside", "dr.rivera@hale.example", "Therapy session", 5),
]

# Sessions that already happened: (patient, brand, specialist, session name, weeks ago).
HISTORY = [
    ("alex@calm.example", "calm", "dr.rivera@hale.example", "Therapy session", (6, 4, 2, 1)),
    (
        "priya@northside.example",
        "northside",
        "dr.okafor@hale.example",
        "Counselling session",
        (3, 1),
    ),
    ("jo@northside.example", "northside", "dr.rivera@hale.example", "Therapy session", (2,)),
]

# Past sessions that did not take place, for the specialists' statistics.
OUTCOMES = [
    ("alex@calm.example", "calm", "dr.rivera@hale.example", "Therapy session", 3, "no_show"),
    ("alex@calm.example", "calm", "dr.rivera@hale.example", "Therapy session", 5, "cancelled"),
    (
        "priya@northside.example",
        "northside",
        "dr.okafor@hale.example",
        "Counselling session",
        2,
        "cancelled",
    ),
]


@transaction.atomic
def seed_demo_schedule() -> None:
    specialists = {
        s.user.email: s
        for s in Specialist.objects.approved()
        .select_related("user")
        .filter(user__email__in=SCHEDULES)
    }
    for email, spec in SCHEDULES.items():
        specialist = specialists.get(email)
        if specialist is None:
            continue
        for name, minutes, price, currency, modality, location, before, after in spec["types"]:
            if not SessionType.objects.filter(specialist=specialist, name=name).exists():
                actions.save_session_type(
                    specialist=specialist,
                    acting_user=specialist.user,
                    values={
                        "name": name,
                        "duration_minutes": minutes,
                        "price_minor": price,
                        "currency": currency,
                        "modality": modality,
                        "location": location,
                        "buffer_before_minutes": before,
                        "buffer_after_minutes": after,
                        "minimum_notice_minutes": 12 * 60,
                        "booking_horizon_days": 60,
                    },
                )
        if not WeeklyRule.objects.filter(specialist=specialist).exists():
            for weekday, start, end in spec["hours"]:
                actions.add_weekly_rule(
                    specialist=specialist,
                    acting_user=specialist.user,
                    weekday=weekday,
                    start_time=dt.time(start),
                    end_time=dt.time(end),
                )

    # Northside reminds a day before only (Calm Minds keeps both reminders): the staff page
    # /staff/brands/northside/booking-policy/ shows and changes it.
    northside = Brand.objects.filter(slug="northside").first()
    if northside is not None:
        BookingPolicy.objects.get_or_create(brand=northside, defaults={"remind_hour_before": False})

    now = timezone.now()
    for patient_email, brand_slug, specialist_email, session_name, days in BOOKINGS:
        specialist = specialists.get(specialist_email)
        patient = _patient(patient_email, brand_slug)
        if specialist is None or patient is None:
            continue
        if Appointment.objects.filter(patient=patient, specialist=specialist).exists():
            continue
        session_type = SessionType.objects.get(specialist=specialist, name=session_name)
        start = now + dt.timedelta(days=days)
        slots = offered_slots(
            specialist,
            session_type,
            window_start=start,
            window_end=start + dt.timedelta(days=7),
            now=now,
        )
        if not slots:
            continue
        actions.book_appointment(
            patient=patient,
            specialist=specialist,
            session_type=session_type,
            start=slots[0].start,
            acting_user=patient.user,
        )
        # A proposal a week later, waiting for the patient's answer.
        later = slots[min(len(slots) - 1, 6)].start + dt.timedelta(days=7)
        try:
            actions.propose_appointment(
                specialist=specialist,
                patient=patient,
                session_type=session_type,
                start=later,
                expires_in_hours=72,
                acting_user=specialist.user,
                notes="A follow-up session — does this time suit you?",
            )
        except actions.SchedulingError:
            pass  # the demo specialist already has something then; the booking is enough

    _seed_history(specialists, now)
    for request in REQUESTS:
        _seed_request(specialists, *request)


def _patient(email: str, brand_slug: str) -> Patient | None:
    return (
        Patient.objects.select_related("brand", "user")
        .filter(user__email=email, brand__slug=brand_slug)
        .first()
    )


def _seed_history(specialists, now: dt.datetime) -> None:
    """Past sessions (completed, and a few cancelled or missed), written as the records they
    would be: the booking actions refuse a time that has gone by, so these rows are made
    directly."""
    rows: list[tuple[str, str, str, str, tuple[int, ...], str]] = [
        (*row, Appointment.Status.COMPLETED) for row in HISTORY
    ]
    rows += [(p, b, s, name, (weeks,), status) for p, b, s, name, weeks, status in OUTCOMES]
    for patient_email, brand_slug, specialist_email, session_name, weeks_ago, status in rows:
        specialist = specialists.get(specialist_email)
        patient = _patient(patient_email, brand_slug)
        if specialist is None or patient is None:
            continue
        session_type = SessionType.objects.get(specialist=specialist, name=session_name)
        zone = specialist_zone(specialist)
        local = now.astimezone(zone).replace(hour=10, minute=0, second=0, microsecond=0)
        local -= dt.timedelta(days=local.weekday())  # this week's Monday, 10:00 their time
        for weeks in weeks_ago:
            start = local - dt.timedelta(weeks=weeks)
            if Appointment.objects.filter(
                patient=patient, specialist=specialist, start=start
            ).exists():
                continue
            Appointment.objects.create(
                brand=patient.brand,
                patient=patient,
                specialist=specialist,
                session_type=session_type,
                session_name=session_type.name,
                start=start,
                end=start + dt.timedelta(minutes=session_type.duration_minutes),
                modality=session_type.modality,
                location=session_type.location,
                price_minor=session_type.price_minor,
                currency=session_type.currency,
                status=status,
                cancellation_reason="Demo: could not make it." if status == "cancelled" else "",
                created_by=patient.user,
            )


REQUESTS = [
    # (patient, brand, specialist, days and hours in the patient's zone, message)
    (
        "alex@calm.example",
        "calm",
        "dr.okafor@hale.example",
        [TimeWindow((0, 1, 2, 3, 4), dt.time(18), dt.time(21))],
        "I work until 17:30 most days.",
    ),
    (
        "priya@northside.example",
        "northside",
        "dr.moreau@hale.example",
        [TimeWindow((4,), dt.time(8), dt.time(12))],
        "I would like a medication review before my next therapy session.",
    ),
    (
        "jo@northside.example",
        "northside",
        "dr.silva@hale.example",
        [TimeWindow((1, 2), dt.time(13), dt.time(17)), TimeWindow((5,), dt.time(9), dt.time(12))],
        "",
    ),
]


def _seed_request(specialists, patient_email, brand_slug, specialist_email, preferred, message):
    specialist = specialists.get(specialist_email)
    patient = _patient(patient_email, brand_slug)
    if specialist is None or patient is None:
        return
    if AvailabilityRequest.objects.filter(patient=patient, specialist=specialist).exists():
        return
    actions.request_availability(
        patient=patient,
        specialist=specialist,
        acting_user=patient.user,
        windows=preferred,
        message=message,
    )
