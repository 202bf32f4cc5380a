"""Session reminders 24 hours and 1 hour before: each sent exactly once (retries, repeated
runs, concurrent workers), never after the session started, the nearer one only when the
worker was down through both moments, as the brand's policy turns them on; and the staff
page that sets the policy."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import connection

from hale.notifications.models import Notification
from hale.scheduling import actions, reminders, tasks
from hale.scheduling.models import Appointment, BookingPolicy, Reminder
from tests.race import race

KIND = "appointment.reminder"


def _count(appointment) -> int:
    return Notification.objects.filter(kind=KIND, url__contains=str(appointment.uuid)).count()


@pytest.fixture
def session(book, patient_a, open_specialist, session_type):
    """A confirmed session three days ahead, booked now."""
    return book(patient_a, open_specialist, session_type, days_ahead=3)


def test_the_day_before_reminder_goes_to_both_sides_once(
    session, patient_a, open_specialist, django_capture_on_commit_callbacks
):
    before = session.start - dt.timedelta(hours=24, minutes=1)
    assert reminders.send_due_reminders(now=before) == 0
    at = session.start - dt.timedelta(hours=23, minutes=55)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=at) == 1
    assert _count(session) == 2
    users = set(Notification.objects.filter(kind=KIND).values_list("user__email", flat=True))
    assert users == {patient_a.user.email, open_specialist.user.email}
    body = Notification.objects.filter(kind=KIND, user=patient_a.user).get().body
    assert "Therapy session" in body and "It starts in 24 hours." in body
    # Run again, and again a minute later: nothing more.
    assert reminders.send_due_reminders(now=at) == 0
    assert reminders.send_due_reminders(now=at + dt.timedelta(minutes=1)) == 0
    assert _count(session) == 2
    assert sorted(m.to[0] for m in mail.outbox if "Reminder" in m.subject) == sorted(
        [patient_a.user.email, open_specialist.user.email]
    )


def test_the_hour_before_reminder_follows_and_nothing_after_the_start(session):
    reminders.send_due_reminders(now=session.start - dt.timedelta(hours=23))
    assert reminders.send_due_reminders(now=session.start - dt.timedelta(minutes=59)) == 1
    assert Reminder.objects.filter(appointment=session).count() == 2
    assert _count(session) == 4
    assert reminders.send_due_reminders(now=session.start + dt.timedelta(minutes=1)) == 0
    assert _count(session) == 4


def test_a_worker_down_through_both_moments_sends_only_the_nearer_one(session):
    assert reminders.send_due_reminders(now=session.start - dt.timedelta(minutes=30)) == 1
    (sent,) = Reminder.objects.filter(appointment=session)
    assert sent.lead_minutes == reminders.HOUR_BEFORE
    assert reminders.send_due_reminders(now=session.start - dt.timedelta(minutes=20)) == 0


def test_a_worker_down_until_after_the_start_sends_nothing(session):
    assert reminders.send_due_reminders(now=session.start + dt.timedelta(seconds=1)) == 0
    assert not Reminder.objects.exists()


def test_a_session_booked_inside_the_day_gets_only_the_hour_reminder(
    book, patient_a, open_specialist, session_type, free_slots
):
    slot = free_slots(open_specialist, session_type, days_ahead=0, days=2)[-1]
    appointment = book(patient_a, open_specialist, session_type, slot)
    # Pretend it was booked 10 hours before its start.
    Appointment.objects.filter(pk=appointment.pk).update(
        created_at=appointment.start - dt.timedelta(hours=10)
    )
    assert reminders.send_due_reminders(now=appointment.start - dt.timedelta(hours=9)) == 0
    assert reminders.send_due_reminders(now=appointment.start - dt.timedelta(minutes=50)) == 1


def test_the_brand_turns_reminders_off(brand_a, session):
    BookingPolicy.objects.create(brand=brand_a, remind_day_before=False, remind_hour_before=True)
    assert reminders.send_due_reminders(now=session.start - dt.timedelta(hours=20)) == 0
    assert reminders.send_due_reminders(now=session.start - dt.timedelta(minutes=40)) == 1
    BookingPolicy.objects.filter(brand=brand_a).update(remind_hour_before=False)
    Reminder.objects.all().delete()
    assert reminders.send_due_reminders(now=session.start - dt.timedelta(minutes=40)) == 0


def test_cancelled_and_proposed_sessions_are_not_reminded(session, patient_a):
    actions.cancel_appointment(
        appointment=session, acting_user=patient_a.user, reason="Feeling better"
    )
    assert reminders.send_due_reminders(now=session.start - dt.timedelta(minutes=30)) == 0


def test_a_moved_session_is_reminded_for_its_new_time(
    session, patient_a, open_specialist, session_type, free_slots
):
    reminders.send_due_reminders(now=session.start - dt.timedelta(hours=23))
    later = free_slots(open_specialist, session_type, days_ahead=6)[0]
    moved = actions.reschedule_appointment(
        appointment=session, new_start=later.start, acting_user=patient_a.user
    )
    assert reminders.send_due_reminders(now=moved.start - dt.timedelta(hours=23)) == 1
    assert sorted(Reminder.objects.values_list("for_start", flat=True)) == [
        session.start,
        moved.start,
    ]


def test_a_failed_send_leaves_no_trace_and_the_retry_sends_it_once(session):
    at = session.start - dt.timedelta(hours=23)
    with mock.patch("hale.scheduling.reminders.notify_appointment", side_effect=RuntimeError):
        with pytest.raises(RuntimeError):
            reminders.send_due_reminders(now=at)
    assert not Reminder.objects.exists() and _count(session) == 0
    assert reminders.send_due_reminders(now=at) == 1
    assert _count(session) == 2


def test_the_task_retried_sends_nothing_twice(session):
    at = session.start - dt.timedelta(hours=23)
    with mock.patch("hale.scheduling.reminders.timezone.now", return_value=at):
        tasks.send_reminders.enqueue()
        tasks.send_reminders.enqueue()
    assert _count(session) == 2


def test_booking_asks_the_worker_for_the_reminder_moments(session):
    moments = reminders.reminder_moments(session)
    assert moments == [
        session.start - dt.timedelta(hours=24),
        session.start - dt.timedelta(hours=1),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_workers_racing_send_each_reminder_once(
    brand_a, patient_a, open_specialist, session_type, book
):
    sessions = [book(patient_a, open_specialist, session_type, days_ahead=3 + n) for n in range(3)]
    at = sessions[0].start - dt.timedelta(minutes=30)
    outcomes = race(
        [lambda: reminders.send_due_reminders(now=at) for _ in range(6)],
        lambda exc: f"error: {exc!r}",
    )
    assert outcomes == ["applied"] * 6
    assert Reminder.objects.filter(appointment=sessions[0]).count() == 1
    assert _count(sessions[0]) == 2


# --- The staff page --------------------------------------------------------------------------


def test_staff_set_the_booking_policy(client_for, brand_a, staff_a):
    client = client_for(staff_a, "localhost")
    page = client.get("/staff/brands/calm/booking-policy/")
    assert page.status_code == 200 and "Remind 24 hours before" in page.content.decode()
    response = client.post(
        "/staff/brands/calm/booking-policy/",
        {
            "cancellation_notice_hours": "12",
            "request_response_hours": "24",
            "remind_hour_before": "on",
        },
    )
    assert response.status_code == 302
    policy = BookingPolicy.objects.get(brand=brand_a)
    assert (policy.cancellation_notice_hours, policy.request_response_hours) == (12, 24)
    assert (policy.remind_day_before, policy.remind_hour_before) == (False, True)


def test_bad_policy_input_is_refused_and_changes_nothing(client_for, brand_a, staff_a):
    client = client_for(staff_a, "localhost")
    response = client.post(
        "/staff/brands/calm/booking-policy/",
        {"cancellation_notice_hours": "-3", "request_response_hours": "0"},
    )
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to" in response.content.decode()
    assert not BookingPolicy.objects.filter(brand=brand_a).exists()


def test_another_brands_staff_get_404(client_for, brand_a, brand_b, staff_b):
    client = client_for(staff_b, "localhost")
    assert client.get("/staff/brands/calm/booking-policy/").status_code == 404
    assert (
        client.post(
            "/staff/brands/calm/booking-policy/", {"cancellation_notice_hours": "1"}
        ).status_code
        == 404
    )
    assert not BookingPolicy.objects.exists()
