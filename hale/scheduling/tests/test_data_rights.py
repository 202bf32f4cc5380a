"""Scheduling in "download my data" and "delete my account"."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hale.accounts import data_rights
from hale.accounts.models import Patient
from hale.notifications.models import EmailDelivery, Notification
from hale.scheduling import actions
from hale.scheduling.data_rights import export_appointments
from hale.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AvailabilityRequest,
    BusySource,
    CalendarFeed,
    SessionType,
    WeeklyRule,
)
from hale.scheduling.windows import TimeWindow


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_past(appointment: Appointment) -> Appointment:
    """Move a booking three days back and mark it completed (a record we keep)."""
    start = timezone.now() - dt.timedelta(days=3)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=start, end=start + dt.timedelta(minutes=50), status=Appointment.Status.COMPLETED
    )
    appointment.refresh_from_db()
    return appointment


def test_export_has_own_appointments_in_utc_and_not_another_patients(
    patient_a, patient_b, open_specialist, session_type, book, free_slots
):
    slots = free_slots(open_specialist, session_type)
    mine = book(patient_a, open_specialist, session_type, slots[0])
    theirs = book(patient_b, open_specialist, session_type, slots[2])

    data = export_appointments(patient_a.user)

    appointments = data["as_patient"]["appointments"]
    assert [a["uuid"] for a in appointments] == [mine.uuid]
    assert appointments[0]["start"].endswith("Z")
    assert appointments[0]["start"] == mine.start.astimezone(dt.UTC).isoformat().replace(
        "+00:00", "Z"
    )
    assert appointments[0]["specialist"]["name"] == "Dr Dana One"
    assert appointments[0]["history"][0]["event"] == "booked"
    assert appointments[0]["history"][0]["by"] == "you"
    assert "as_specialist" not in data
    text = repr(data)
    assert str(theirs.uuid) not in text and "Bob Patient" not in text
    assert "patient.b@example.com" not in text


def test_specialist_export_has_schedule_and_practice_without_secrets(
    patient_a, open_specialist, session_type, book, committed
):
    appointment = book(patient_a, open_specialist, session_type)
    with committed():
        token = actions.create_calendar_feed(
            specialist=open_specialist, acting_user=open_specialist.user
        )
    BusySource.objects.create(
        specialist=open_specialist, name="Work", url="https://cal.example.com/secret-abc123.ics"
    )

    data = export_appointments(open_specialist.user)["as_specialist"]

    assert data["appointments"][0]["uuid"] == appointment.uuid
    assert data["appointments"][0]["patient"]["name"] == "Alice Patient"
    assert data["schedule"]["session_types"][0]["name"] == "Therapy session"
    assert len(data["schedule"]["weekly_hours"]) == 7
    assert data["schedule"]["external_calendars"][0]["name"] == "Work"
    assert len(data["schedule"]["calendar_feeds"]) == 1
    text = repr(data)
    assert "secret-abc123" not in text and token not in text
    assert CalendarFeed.objects.get().token_hash not in text


def test_deleting_a_patient_cancels_future_appointments_with_notice_and_keeps_past_ones(
    patient_a, open_specialist, session_type, book, free_slots, committed
):
    slots = free_slots(open_specialist, session_type, days_ahead=3, days=4)
    future = book(patient_a, open_specialist, session_type, slots[0])
    past = make_past(book(patient_a, open_specialist, session_type, slots[3]))
    proposal = actions.propose_appointment(
        specialist=open_specialist,
        patient=patient_a,
        session_type=session_type,
        start=slots[-1].start,
        expires_in_hours=24,
        acting_user=open_specialist.user,
    )
    request = actions.request_availability(
        patient=patient_a,
        specialist=open_specialist,
        acting_user=patient_a.user,
        windows=[TimeWindow((0, 1, 2, 3, 4), dt.time(18), dt.time(21))],
        preferred_times="Evenings",
    )
    Notification.objects.all().delete()
    EmailDelivery.objects.all().delete()

    with committed():
        data_rights.delete_account(user=patient_a.user, acting_user=patient_a.user)

    future.refresh_from_db()
    assert future.status == Appointment.Status.CANCELLED
    assert future.cancellation_reason == "The account was closed."
    event = future.events.last()
    assert event.kind == AppointmentEvent.Kind.CANCELLED
    assert event.reason == "The account was closed." and event.data["account_closed"]
    proposal.refresh_from_db()
    assert proposal.status == Appointment.Status.DECLINED
    request.refresh_from_db()
    assert request.status == AvailabilityRequest.Status.DECLINED

    past.refresh_from_db()
    assert past.status == Appointment.Status.COMPLETED
    patient = Patient.objects.get(pk=patient_a.pk)
    assert past.patient_id == patient.pk and patient.erased_at and patient.full_name == ""

    # The specialist is told, with the patient named as they were; the deleted user gets
    # nothing (they get the account-deleted email instead).
    notices = Notification.objects.filter(user=open_specialist.user)
    cancelled = notices.get(kind="appointment.cancelled")
    assert "Alice Patient" in cancelled.body and "closed their account" in cancelled.body
    assert "invalid.hale" not in cancelled.body
    assert notices.filter(kind="appointment.declined").exists()
    assert not Notification.objects.filter(user=patient_a.user).exists()
    assert not EmailDelivery.objects.filter(user=patient_a.user).exists()


def test_deleting_a_specialist_cancels_their_future_appointments_and_tells_the_patients(
    patient_a, patient_b, open_specialist, session_type, book, free_slots, committed
):
    slots = free_slots(open_specialist, session_type, days_ahead=3, days=4)
    first = book(patient_a, open_specialist, session_type, slots[0])
    second = book(patient_b, open_specialist, session_type, slots[2])
    past = make_past(book(patient_a, open_specialist, session_type, slots[4]))
    request = actions.request_availability(
        patient=patient_b,
        specialist=open_specialist,
        acting_user=patient_b.user,
        windows=[TimeWindow((0, 1, 2, 3, 4), dt.time(18), dt.time(21))],
        preferred_times="Mornings",
    )
    with committed():
        actions.create_calendar_feed(specialist=open_specialist, acting_user=open_specialist.user)
    BusySource.objects.create(specialist=open_specialist, name="Work", url="https://x.test/a.ics")
    Notification.objects.all().delete()

    with committed():
        data_rights.delete_account(user=open_specialist.user, acting_user=open_specialist.user)

    for appointment in (first, second):
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.CANCELLED
        assert not appointment.cancelled_late
    past.refresh_from_db()
    assert past.status == Appointment.Status.COMPLETED
    request.refresh_from_db()
    assert request.status == AvailabilityRequest.Status.DECLINED

    for patient in (patient_a, patient_b):
        notice = Notification.objects.get(user=patient.user, kind="appointment.cancelled")
        assert "Dr Dana One" in notice.body and "closed their account" in notice.body
    declined = Notification.objects.get(user=patient_b.user, kind="availability.declined")
    assert "Dr Dana One" in declined.body and "The account was closed." in declined.body

    assert not SessionType.objects.filter(specialist=open_specialist, is_active=True).exists()
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    assert not BusySource.objects.exists()
    assert not WeeklyRule.objects.exists()


def test_an_operator_deleting_a_patient_cancels_too(
    patient_a, open_specialist, session_type, book, operator, committed
):
    appointment = book(patient_a, open_specialist, session_type)
    with committed():
        data_rights.delete_account(user=patient_a.user, acting_user=operator)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.events.last().actor == operator
    assert Notification.objects.filter(
        user=open_specialist.user, kind="appointment.cancelled"
    ).exists()


def test_only_the_person_or_an_operator_may_close(
    patient_a, patient_b, open_specialist, session_type, book
):
    appointment = book(patient_a, open_specialist, session_type)
    with pytest.raises(PermissionDenied):
        actions.close_appointment_for_deleted_account(
            appointment=appointment, closing_user=patient_a.user, acting_user=patient_b.user
        )
    with pytest.raises(PermissionDenied):
        actions.close_appointment_for_deleted_account(
            appointment=appointment, closing_user=patient_b.user, acting_user=patient_b.user
        )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
