"""Scheduling: slot computation time and the appointment list query count as data grows.

- 60 days of slots for one specialist with 3 session types, weekly rules, 10 date overrides
  and 500 appointments (target < 20 ms), loading included (a constant 6 queries).
- The patient's /appointments/ page: query count with 1x and 10x appointments (constant).
- "Next available this week" over 1,000 specialists (target < 200 ms on PostgreSQL), with a
  constant number of queries.
"""

import datetime as dt

from django.test import Client
from django.utils import timezone

from bench.common import count_queries, median_ms, result


def _setup():
    from hale.accounts.models import Patient, User
    from hale.scheduling.models import (
        Appointment,
        DateOverride,
        SessionType,
        WeeklyRule,
    )
    from hale.specialists.models import Specialist
    from hale.tenancy.models import Brand, BrandDomain

    brand, _ = Brand.objects.get_or_create(slug="benchbrand", defaults={"name": "Bench"})
    BrandDomain.objects.get_or_create(domain="benchbrand.localhost", defaults={"brand": brand})
    user = User.objects.create_user(email="bench.dr@example.com", time_zone="Europe/Madrid")
    specialist = Specialist.objects.create(
        user=user, display_name="Dr Bench", status=Specialist.Status.APPROVED
    )
    WeeklyRule.objects.bulk_create(
        WeeklyRule(specialist=specialist, weekday=d, start_time=dt.time(a), end_time=dt.time(b))
        for d in range(6)
        for a, b in ((8, 13), (14, 20))
    )
    today = timezone.localdate()
    DateOverride.objects.bulk_create(
        DateOverride(
            specialist=specialist,
            date=today + dt.timedelta(days=3 * i + 1),
            kind="extra" if i % 2 else "day_off",
            start_time=dt.time(20) if i % 2 else None,
            end_time=dt.time(22) if i % 2 else None,
        )
        for i in range(10)
    )
    types = [
        SessionType.objects.create(
            specialist=specialist,
            name=f"Type {m}",
            duration_minutes=m,
            buffer_after_minutes=10,
            minimum_notice_minutes=60,
            booking_horizon_days=90,
        )
        for m in (25, 50, 80)
    ]
    patient_user = User.objects.create_user(email="bench.patient@example.com")
    patient = Patient.objects.create(brand=brand, user=patient_user, email=patient_user.email)
    return brand, specialist, types, patient, Appointment


def _appointments(Appointment, brand, specialist, patient, count, *, offset_days=0):
    """``count`` non-overlapping 50-minute appointments, ~9 a day, from tomorrow 08:00 UTC."""
    base = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=1 + offset_days
    )
    rows = []
    for i in range(count):
        start = base + dt.timedelta(days=i // 9, hours=i % 9)
        rows.append(
            Appointment(
                brand=brand,
                patient=patient,
                specialist=specialist,
                session_name="Bench",
                start=start,
                end=start + dt.timedelta(minutes=50),
                modality="video",
                status="confirmed",
            )
        )
    Appointment.objects.bulk_create(rows)


def _many_specialists(brand, patient, count=1000):
    """``count`` approved specialists in a few zones, weekday hours, one or two session
    types, and a morning of bookings each this week."""
    from hale.accounts.models import User
    from hale.scheduling.models import Appointment, SessionType, WeeklyRule
    from hale.specialists.models import Specialist

    zones = ["Europe/Madrid", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
    users = User.objects.bulk_create(
        User(email=f"bench.many{i}@example.com", time_zone=zones[i % len(zones)])
        for i in range(count)
    )
    specialists = Specialist.objects.bulk_create(
        Specialist(user=u, display_name=f"Dr {i}", status=Specialist.Status.APPROVED)
        for i, u in enumerate(users)
    )
    WeeklyRule.objects.bulk_create(
        WeeklyRule(specialist=s, weekday=d, start_time=dt.time(9), end_time=dt.time(17))
        for s in specialists
        for d in range(5)
    )
    SessionType.objects.bulk_create(
        SessionType(
            specialist=s,
            name=f"Type {m}",
            duration_minutes=m,
            buffer_after_minutes=10,
            minimum_notice_minutes=12 * 60,
        )
        for s in specialists
        for m in (50, 25)
    )
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    Appointment.objects.bulk_create(
        Appointment(
            brand=brand,
            patient=patient,
            specialist=s,
            session_name="Bench",
            start=base + dt.timedelta(hours=h),
            end=base + dt.timedelta(hours=h, minutes=50),
            modality="video",
            status="confirmed",
        )
        for s in specialists
        for h in range(4)
    )
    return Specialist.objects.filter(user__email__startswith="bench.many")


def run() -> list[dict]:
    from hale.scheduling.slots import load_schedule, offered_slots

    brand, specialist, types, patient, Appointment = _setup()
    _appointments(Appointment, brand, specialist, patient, 500)
    now = timezone.now()
    start, end = now, now + dt.timedelta(days=60)

    def compute():
        schedule = load_schedule(specialist, start, end, now=now)
        total = 0
        for session_type in types:
            total += len(
                offered_slots(
                    specialist,
                    session_type,
                    window_start=start,
                    window_end=end,
                    now=now,
                    schedule=schedule,
                )
            )
        assert total > 0

    client = Client(HTTP_HOST="benchbrand.localhost")
    client.force_login(patient.user)

    def appointment_list():
        assert client.get("/appointments/").status_code == 200

    # The list at "1x": 50 of the patient's appointments are shown in the past section cap,
    # all upcoming ones in the upcoming section.
    Appointment.objects.filter(patient=patient).delete()
    _appointments(Appointment, brand, specialist, patient, 20)
    appointment_list()  # warm up (session, first-request work)
    queries_1x = count_queries(appointment_list)
    _appointments(Appointment, brand, specialist, patient, 180, offset_days=40)
    queries_10x = count_queries(appointment_list)
    # Back to 500 for the slot timing.
    Appointment.objects.filter(patient=patient).delete()
    _appointments(Appointment, brand, specialist, patient, 500)

    from hale.scheduling.slots import next_available

    many = _many_specialists(brand, patient)
    how_many = many.count()

    def search():
        found = next_available(many, now=timezone.now(), within=dt.timedelta(days=7))
        assert len(found) == how_many
        assert sum(1 for v in found.values() if v) > how_many // 2

    return [
        result(
            "next available this week, 1,000 specialists (median)",
            median_ms(search, repeat=5, warmup=1),
            "ms",
            "< 200 ms (PostgreSQL)",
        ),
        result("next available: queries", count_queries(search), "queries", "constant"),
        result(
            "slots: 60 days, 3 session types, 10 overrides, 500 appointments (median)",
            median_ms(compute, repeat=20),
            "ms",
            "< 20 ms",
        ),
        result("slots: queries for the schedule", count_queries(compute), "queries", "constant"),
        result("appointment list, 20 appointments, queries", queries_1x, "queries", "constant"),
        result(
            "appointment list, 200 appointments, queries", queries_10x, "queries", "= 1x figure"
        ),
    ]
