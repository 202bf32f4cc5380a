"""Messaging personas: patient A (Calm Minds) in the care of the specialist, brand A's
staff, and patient B on Northside as the outsider."""

import pytest
from django.utils import timezone

from hale.matching.models import CareRelationship
from hale.messaging import access


@pytest.fixture
def care(patient_a, specialist):
    return CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist,
        brand=patient_a.brand,
        source=CareRelationship.Source.BROWSE,
        started_at=timezone.now(),
    )


@pytest.fixture
def as_patient(patient_a):
    return access.patient_viewer(patient_a.user, patient_a.brand)


@pytest.fixture
def as_specialist(specialist):
    return access.specialist_viewer(specialist.user)


@pytest.fixture
def as_staff(staff_a, brand_a):
    return access.staff_viewer(staff_a, brand_a)


def set_policy(brand, policy: str) -> None:
    brand.messaging_policy = policy
    brand.save(update_fields=["messaging_policy"])
