"""The pages the page benchmark measures run a constant number of SQL queries whatever the
number of appointments: patient home, the specialist's calendar week and the public profile
(the appointment list and browse have theirs in test_patient_views and matching's tests)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hale.accounts.models import Patient, User

CALM = "calm.localhost"


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def other_patient(brand_a):
    user = User.objects.create_user(email="other.patient@example.com", full_name="Olga Other")
    return Patient.objects.create(brand=brand_a, user=user, email=user.email, full_name="Olga")


@pytest.fixture
def many_bookings(book, free_slots, open_specialist, session_type):
    """``many_bookings(patient, count)``: ``count`` more sessions, spread over the next week."""

    def make(patient, count: int) -> None:
        slots = free_slots(open_specialist, session_type, days_ahead=1, days=7)[::3]
        for slot in slots[:count]:
            book(patient, open_specialist, session_type, slot)

    return make


def test_patient_home_queries_do_not_grow_with_appointments(
    client_for, patient_a, open_specialist, session_type, book, many_bookings
):
    client = client_for(patient_a.user, CALM)
    book(patient_a, open_specialist, session_type)
    client.get("/")  # the first request of a session does more
    one = _queries(client, "/")
    many_bookings(patient_a, 8)
    assert patient_a.appointments.count() >= 8
    assert _queries(client, "/") == one


def test_calendar_week_queries_do_not_grow_with_appointments(
    client_for, patient_a, other_patient, open_specialist, session_type, book, many_bookings
):
    client = client_for(open_specialist.user, "localhost")
    first = book(patient_a, open_specialist, session_type, days_ahead=1)
    path = f"/practice/schedule/?view=week&date={first.start.astimezone(dt.UTC).date()}"
    client.get(path)
    one = _queries(client, path)
    many_bookings(patient_a, 4)
    many_bookings(other_patient, 4)
    assert open_specialist.appointments.count() >= 8
    assert _queries(client, path) == one


def test_public_profile_queries_do_not_grow_with_appointments(
    client_for, patient_a, other_patient, open_specialist, session_type, book, many_bookings
):
    client = client_for(patient_a.user, CALM)
    path = f"/specialists/{open_specialist.uuid}/"
    book(patient_a, open_specialist, session_type)
    client.get(path)
    one = _queries(client, path)
    many_bookings(other_patient, 8)
    assert open_specialist.appointments.count() >= 8
    assert _queries(client, path) == one
