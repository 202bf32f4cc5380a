import datetime as dt

import pytest
from django.utils import timezone

from hale.matching.tests.conftest import open_hours, session_type  # noqa: F401
from hale.scheduling import actions as scheduling_actions
from hale.scheduling.models import Appointment
from hale.scheduling.slots import offered_slots

pytestmark = pytest.mark.django_db
CALM = "calm.localhost"
LEADS = "Your specialist will propose times for your next sessions."


def _slots(specialist):
    st = specialist.session_types.get()
    now = timezone.now()
    return st, offered_slots(
        specialist, st, window_start=now, window_end=now + dt.timedelta(days=3), now=now
    )


def _book(patient, specialist):
    st, slots = _slots(specialist)
    return scheduling_actions.book_appointment(
        patient=patient,
        specialist=specialist,
        session_type=st,
        start=slots[0].start,
        acting_user=patient.user,
    )


def test_before_the_first_booking_the_patient_sees_open_times(
    listed, specialist, patient_a, client_for
):
    c = client_for(patient_a.user, CALM)
    profile = c.get(f"/specialists/{specialist.uuid}/").content.decode()
    assert LEADS not in profile and "/confirm/?type=" in profile
    assert "Choose a time" in c.get(f"/book/{specialist.uuid}/").content.decode()


def test_after_the_first_booking_the_specialist_leads_scheduling(
    listed, specialist, patient_a, client_for
):
    _book(patient_a, specialist)
    c = client_for(patient_a.user, CALM)
    profile = c.get(f"/specialists/{specialist.uuid}/").content.decode()
    assert LEADS in profile
    assert "/confirm/?type=" not in profile
    assert f"/book/{specialist.uuid}/request/" in profile
    book = c.get(f"/book/{specialist.uuid}/").content.decode()
    assert LEADS in book and "Choose a time" not in book and "Request other times" in book
    # The availability request stays open to the patient.
    assert c.get(f"/book/{specialist.uuid}/request/").status_code == 200


def test_a_guessed_booking_post_is_refused_with_a_clear_message(
    listed, specialist, patient_a, client_for
):
    _book(patient_a, specialist)
    st, slots = _slots(specialist)
    data = {"type": str(st.uuid), "start": slots[0].start.isoformat()}
    c = client_for(patient_a.user, CALM)
    response = c.post(f"/book/{specialist.uuid}/confirm/", data)
    assert response.status_code == 409
    assert "Your specialist will propose times" in response.content.decode()
    assert Appointment.objects.count() == 1
    assert c.get(f"/book/{specialist.uuid}/confirm/", data).status_code == 409


def test_a_cancelled_first_booking_does_not_count(listed, specialist, patient_a, client_for):
    appointment = _book(patient_a, specialist)
    scheduling_actions.cancel_appointment(
        appointment=appointment, acting_user=patient_a.user, reason="Changed my mind"
    )
    page = client_for(patient_a.user, CALM).get(f"/book/{specialist.uuid}/").content.decode()
    assert "Choose a time" in page


def test_other_patients_and_anonymous_visitors_still_see_times(
    listed, specialist, patient_a, client_for, anonymous, brand_a
):
    from conftest import make_user
    from hale.accounts.models import Patient

    _book(patient_a, specialist)
    other_user = make_user("other@example.com")
    Patient.objects.create(brand=brand_a, user=other_user, email=other_user.email)
    for c in (client_for(other_user, CALM), anonymous(CALM)):
        page = c.get(f"/specialists/{specialist.uuid}/").content.decode()
        assert LEADS not in page and "/confirm/?type=" in page


def test_guided_brands_keep_showing_times(listed, specialist, patient_a, client_for, brand_a):
    _book(patient_a, specialist)
    brand_a.discovery_mode = "guided"
    brand_a.save(update_fields=["discovery_mode"])
    page = client_for(patient_a.user, CALM).get(f"/book/{specialist.uuid}/").content.decode()
    assert "Choose a time" in page
