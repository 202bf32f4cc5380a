"""Demo schedule: session types and weekly hours for the two demo specialists, and a few
appointments with the demo patients (one booked, one proposal waiting for an answer).

Also an open availability request (alex@calm.example asks Dr Okafor for evening times) so
the specialist's "Requests" page has something to answer.

``seed_demo_schedule()`` is idempotent: it adds what is missing (looked up by natural keys)
and never touches what a newcomer changed. Called by ``hale.demo.seed``.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from hale.accounts.models import Patient
from hale.scheduling import actions
from hale.scheduling.models import Appointment, AvailabilityRequest, SessionType, WeeklyRule
from hale.scheduling.slots import offered_slots
from hale.specialists.models import Specialist

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
}

BOOKINGS = [
    # (patient email, brand slug, specialist email, session name, days ahead)
    ("alex@calm.example", "calm", "dr.rivera@hale.example", "Therapy session", 3),
    ("priya@northside.example", "northside", "dr.okafor@hale.example", "Counselling session", 4),
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

    now = timezone.now()
    for patient_email, brand_slug, specialist_email, session_name, days in BOOKINGS:
        specialist = specialists.get(specialist_email)
        patient = (
            Patient.objects.select_related("brand", "user")
            .filter(user__email=patient_email, brand__slug=brand_slug)
            .first()
        )
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

    _seed_request(specialists)


REQUEST = ("alex@calm.example", "calm", "dr.okafor@hale.example", "Weekday evenings after 18:00")


def _seed_request(specialists) -> None:
    patient_email, brand_slug, specialist_email, preferred = REQUEST
    specialist = specialists.get(specialist_email)
    patient = (
        Patient.objects.select_related("brand", "user")
        .filter(user__email=patient_email, brand__slug=brand_slug)
        .first()
    )
    if specialist is None or patient is None:
        return
    if AvailabilityRequest.objects.filter(patient=patient, specialist=specialist).exists():
        return
    actions.request_availability(
        patient=patient,
        specialist=specialist,
        acting_user=patient.user,
        preferred_times=preferred,
        message="I work until 17:30 most days.",
    )
