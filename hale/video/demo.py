"""A demo video session to try right after ``make run``: alex@calm.example and Dr Rivera
have a "Video session (demo)" that is on now — it started a few minutes ago and runs for
eight hours — so both can press Join (two browsers, or a normal and a private window).
Each seeding makes a new one when the last has ended."""

import datetime as dt

from django.utils import timezone

from hale.accounts.models import Patient
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist

NAME = "Video session (demo)"


def seed_demo_video() -> None:
    patient = Patient.objects.filter(user__email="alex@calm.example", brand__slug="calm").first()
    specialist = Specialist.objects.filter(user__email="dr.rivera@hale.example").first()
    if patient is None or specialist is None:
        return
    now = timezone.now()
    if Appointment.objects.filter(
        patient=patient, specialist=specialist, session_name=NAME, end__gt=now
    ).exists():
        return
    start = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    Appointment.objects.create(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        session_name=NAME,
        start=start,
        end=start + dt.timedelta(hours=8),
        modality="video",
        status=Appointment.Status.CONFIRMED,
        clinic_notes="A session to try the video room: join from both portals.",
        created_by=patient.user,
    )
