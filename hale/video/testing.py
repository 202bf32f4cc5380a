"""Test helper: a confirmed video appointment whose room is open (or opens soon)."""

import datetime as dt

from django.utils import timezone

from hale.scheduling.models import Appointment
from hale.video import access


def make_joinable_appointment(patient, specialist, starts_in_minutes: int = 5, minutes: int = 50):
    brand = patient.brand
    if access.FEATURE not in (brand.features or []):
        brand.features = [*(brand.features or []), access.FEATURE]
        brand.save(update_fields=["features"])
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(
        minutes=starts_in_minutes
    )
    return Appointment.objects.create(
        brand=brand,
        patient=patient,
        specialist=specialist,
        session_name="Therapy session",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        modality="video",
        status=Appointment.Status.CONFIRMED,
        created_by=patient.user,
    )
