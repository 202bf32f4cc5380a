"""Consent personas: a published "before first session" template on brand A."""

import pytest
from django.utils import timezone

from hale.consents import actions
from hale.core.signatures import CapturedSignature
from hale.matching.models import CareRelationship

TYPED = CapturedSignature(method="typed", typed_name="Alice Patient")


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
def template_a(brand_a, staff_a):
    template = actions.create_template(
        brand=brand_a,
        acting_user=staff_a,
        title="Consent to online therapy",
        body="I agree to **online** therapy.",
        requirement="first_session",
    )
    actions.publish_version(template=template, acting_user=staff_a, revision=None)
    return template


def sign(patient, template, number=1):
    return actions.sign_consent(
        patient=patient,
        template=template,
        version_number=number,
        signature=TYPED,
        acting_user=patient.user,
        ip_address="127.0.0.1",
        user_agent="pytest",
    )
