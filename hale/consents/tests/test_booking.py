# ruff: noqa: F811 - the scheduling fixtures are imported, then requested by name
"""Booking waits for consents a booking needs: refused inside ``book_appointment`` (so
every caller gets it) and on the booking page with a "Sign now" link back; allowed after."""

import pytest

from hale.consents import actions
from hale.consents.tests.conftest import sign
from hale.scheduling.errors import SchedulingError
from hale.scheduling.models import Appointment
from hale.scheduling.tests.conftest import (  # noqa: F401 - fixtures
    _personas_listed,
    book,
    free_slots,
    open_specialist,
    session_type,
)

pytestmark = pytest.mark.django_db


def test_booking_refused_until_the_first_session_consent_is_signed(
    patient_a, brand_a, open_specialist, session_type, book, template_a, private_storage
):
    with pytest.raises(SchedulingError, match="Consent to online therapy"):
        book(patient_a, open_specialist, session_type)
    assert not Appointment.objects.exists()
    sign(patient_a, template_a)
    assert book(patient_a, open_specialist, session_type).pk


def test_session_type_consent_gates_only_that_type(
    patient_a, brand_a, staff_a, open_specialist, session_type, book, private_storage
):
    template = actions.create_template(
        brand=brand_a,
        acting_user=staff_a,
        title="Video consent",
        body="Video.",
        requirement="session_type",
        session_type=session_type,
    )
    actions.publish_version(template=template, acting_user=staff_a, revision=None)
    with pytest.raises(SchedulingError):
        book(patient_a, open_specialist, session_type)
    sign(patient_a, template)
    assert book(patient_a, open_specialist, session_type).pk


def test_booking_page_shows_sign_now_with_a_way_back(
    patient_a, brand_a, open_specialist, session_type, template_a, client_for
):
    client = client_for(patient_a.user, "calm.localhost")
    response = client.get(f"/book/{open_specialist.uuid}/?type={session_type.uuid}")
    assert response.status_code == 200
    assert b"Action required" in response.content
    assert f"/consents/{template_a.uuid}/sign/?next=".encode() in response.content
