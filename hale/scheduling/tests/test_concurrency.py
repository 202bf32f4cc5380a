"""No double booking under concurrency (PostgreSQL: row locks + the exclusion constraint;
SQLite: serialised writers). The 50-requests-at-a-live-server test is in
tests/e2e/test_booking.py."""

import datetime as dt

import pytest
from django.db import connection, transaction

from conftest import make_user
from hale.accounts.models import Patient
from hale.scheduling import actions
from hale.scheduling.actions.common import save_booked
from hale.scheduling.models import Appointment
from tests.race import race

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)


@on_postgres
def test_exclusion_constraint_turns_a_lost_race_into_slot_taken(
    patient_a, open_specialist, session_type, book
):
    first = book(patient_a, open_specialist, session_type)
    clash = Appointment(
        brand=first.brand,
        patient=first.patient,
        specialist=open_specialist,
        session_name="x",
        start=first.start + dt.timedelta(minutes=10),
        end=first.end + dt.timedelta(minutes=10),
        modality="video",
        status="confirmed",
    )
    with transaction.atomic(), pytest.raises(actions.SlotTaken):
        save_booked(clash)
    assert Appointment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_threads_racing_for_one_slot_book_it_once(
    brand_a, open_specialist, session_type, free_slots
):
    slot = free_slots(open_specialist, session_type)[0]
    patients = []
    for n in range(8):
        user = make_user(f"racer{n}@example.com")
        patients.append(Patient.objects.create(brand=brand_a, user=user, email=user.email))

    def attempt(patient):
        return lambda: actions.book_appointment(
            patient=patient,
            specialist=open_specialist,
            session_type=session_type,
            start=slot.start,
            acting_user=patient.user,
        )

    outcomes = race(
        [attempt(p) for p in patients],
        lambda exc: "taken" if isinstance(exc, actions.SlotTaken) else f"error: {exc!r}",
    )
    assert outcomes == ["applied"] + ["taken"] * (len(patients) - 1)
    assert Appointment.objects.filter(start=slot.start).count() == 1
