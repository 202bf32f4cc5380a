"""Booking, proposals, cancellation and rescheduling through the actions."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from hale.core.models import AuditEvent
from hale.notifications.models import Notification
from hale.scheduling import actions, expiry
from hale.scheduling.models import Appointment, AppointmentEvent, BookingPolicy
from hale.scheduling.slots import load_schedule, offered_slots

pytestmark = pytest.mark.django_db(transaction=False)


def test_booking_creates_a_confirmed_appointment_with_snapshot_event_and_audit(
    patient_a, open_specialist, session_type, book, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(patient_a, open_specialist, session_type)
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.brand == patient_a.brand
    assert appointment.end - appointment.start == dt.timedelta(minutes=50)
    assert (appointment.price_minor, appointment.currency) == (6000, "EUR")
    assert appointment.session_name == "Therapy session"
    event = appointment.events.get()
    assert (event.kind, event.actor, event.to_status) == ("booked", patient_a.user, "confirmed")
    assert AuditEvent.objects.filter(action="scheduling.appointment_booked").count() == 1
    # Both sides are told, each in their own zone with the zone named.
    patient_note = Notification.objects.get(user=patient_a.user, kind="appointment.booked")
    specialist_note = Notification.objects.get(user=open_specialist.user, kind="appointment.booked")
    assert patient_note.portal == "patient" and specialist_note.portal == "platform"
    assert "(Europe/London)" in patient_note.body  # the brand's default zone
    assert "(Europe/Madrid)" in specialist_note.body
    assert len(mail.outbox) == 2


def test_a_taken_slot_raises_the_friendly_error_and_books_nothing(
    patient_a, open_specialist, session_type, free_slots, book
):
    slot = free_slots(open_specialist, session_type)[0]
    book(patient_a, open_specialist, session_type, slot)
    with pytest.raises(actions.SlotTaken) as exc:
        book(patient_a, open_specialist, session_type, slot)
    assert "just taken" in str(exc.value.message)
    assert Appointment.objects.count() == 1


def test_booked_time_and_buffer_disappear_from_offered_slots(
    patient_a, open_specialist, session_type, free_slots, book
):
    slots = free_slots(open_specialist, session_type)
    appointment = book(patient_a, open_specialist, session_type, slots[0])
    after = free_slots(open_specialist, session_type)
    # 50 min + 10 min buffer after: the next start on the 30-minute grid is an hour later.
    assert all(
        s.start >= appointment.end + dt.timedelta(minutes=10) or s.end <= appointment.start
        for s in after
    )


def test_off_grid_or_unavailable_start_is_refused(patient_a, open_specialist, session_type):
    odd = timezone.now().replace(microsecond=0) + dt.timedelta(days=3, minutes=7)
    with pytest.raises(actions.SlotTaken):
        actions.book_appointment(
            patient=patient_a,
            specialist=open_specialist,
            session_type=session_type,
            start=odd,
            acting_user=patient_a.user,
        )


def test_only_the_patient_may_book_for_themselves(
    patient_a, patient_b, open_specialist, session_type, free_slots
):
    slot = free_slots(open_specialist, session_type)[0]
    with pytest.raises(PermissionDenied):
        actions.book_appointment(
            patient=patient_a,
            specialist=open_specialist,
            session_type=session_type,
            start=slot.start,
            acting_user=patient_b.user,
        )
    assert not Appointment.objects.exists()


def test_unapproved_specialist_cannot_be_booked(
    patient_a, open_specialist, session_type, free_slots
):
    slot = free_slots(open_specialist, session_type)[0]
    open_specialist.status = "draft"
    open_specialist.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        actions.book_appointment(
            patient=patient_a,
            specialist=open_specialist,
            session_type=session_type,
            start=slot.start,
            acting_user=patient_a.user,
        )


# --- Cancellation policy ------------------------------------------------------------------------


def test_early_cancellation_is_not_late(patient_a, open_specialist, session_type, book):
    appointment = book(patient_a, open_specialist, session_type, days_ahead=3)
    actions.cancel_appointment(appointment=appointment, acting_user=patient_a.user, reason="Ill")
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and not appointment.cancelled_late
    assert appointment.events.last().reason == "Ill"


def test_cancellation_inside_the_brand_notice_is_recorded_late(
    patient_a, open_specialist, session_type, book
):
    BookingPolicy.objects.create(brand=patient_a.brand, cancellation_notice_hours=24 * 5)
    appointment = book(patient_a, open_specialist, session_type, days_ahead=3)
    assert not actions.can_reschedule(appointment)
    actions.cancel_appointment(appointment=appointment, acting_user=patient_a.user, reason="Work")
    appointment.refresh_from_db()
    assert appointment.cancelled_late
    assert appointment.events.last().data == {"late": True}


def test_specialist_cancellation_is_never_late(patient_a, open_specialist, session_type, book):
    BookingPolicy.objects.create(brand=patient_a.brand, cancellation_notice_hours=24 * 5)
    appointment = book(patient_a, open_specialist, session_type)
    actions.cancel_appointment(
        appointment=appointment, acting_user=open_specialist.user, reason="Conference"
    )
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and not appointment.cancelled_late


def test_cancelling_needs_a_reason_and_the_right_person(
    patient_a, patient_b, open_specialist, session_type, book
):
    appointment = book(patient_a, open_specialist, session_type)
    with pytest.raises(actions.SchedulingError):
        actions.cancel_appointment(appointment=appointment, acting_user=patient_a.user, reason=" ")
    with pytest.raises(PermissionDenied):
        actions.cancel_appointment(appointment=appointment, acting_user=patient_b.user, reason="x")
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_cancelled_time_is_offered_again(
    patient_a, open_specialist, session_type, free_slots, book
):
    slot = free_slots(open_specialist, session_type)[0]
    appointment = book(patient_a, open_specialist, session_type, slot)
    actions.cancel_appointment(appointment=appointment, acting_user=patient_a.user, reason="x")
    assert slot in free_slots(open_specialist, session_type)


# --- Rescheduling -------------------------------------------------------------------------------


def test_reschedule_moves_the_same_appointment(
    patient_a, open_specialist, session_type, free_slots, book, django_capture_on_commit_callbacks
):
    slots = free_slots(open_specialist, session_type)
    appointment = book(patient_a, open_specialist, session_type, slots[0])
    target = slots[-1]
    with django_capture_on_commit_callbacks(execute=True):
        moved = actions.reschedule_appointment(
            appointment=appointment, new_start=target.start, acting_user=patient_a.user
        )
    assert moved.pk == appointment.pk and moved.start == target.start
    assert moved.sequence == 1
    event = moved.events.last()
    assert event.kind == "rescheduled" and event.data["previous_start"]
    assert Notification.objects.filter(kind="appointment.rescheduled").count() == 2


def test_reschedule_inside_the_notice_is_blocked_with_the_policy(
    patient_a, open_specialist, session_type, free_slots, book
):
    BookingPolicy.objects.create(brand=patient_a.brand, cancellation_notice_hours=24 * 5)
    slots = free_slots(open_specialist, session_type)
    appointment = book(patient_a, open_specialist, session_type, slots[0])
    with pytest.raises(actions.SchedulingError) as exc:
        actions.reschedule_appointment(
            appointment=appointment, new_start=slots[-1].start, acting_user=patient_a.user
        )
    assert "120 hours" in str(exc.value.message)
    appointment.refresh_from_db()
    assert appointment.start == slots[0].start


# --- Proposals ---------------------------------------------------------------------------------


@pytest.fixture
def proposal(patient_a, open_specialist, session_type, book):
    # Proposals go to patients who booked before.
    book(patient_a, open_specialist, session_type, days_ahead=2)
    start = (timezone.now() + dt.timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
    return actions.propose_appointment(
        specialist=open_specialist,
        patient=patient_a,
        session_type=session_type,
        start=start,
        expires_in_hours=24,
        acting_user=open_specialist.user,
        notes="Follow-up",
    )


def test_proposal_holds_the_time_until_accepted(proposal, patient_a, open_specialist, session_type):
    assert proposal.is_open_proposal
    schedule = load_schedule(open_specialist, proposal.start, proposal.end, now=timezone.now())
    slots = offered_slots(
        open_specialist,
        session_type,
        window_start=proposal.start - dt.timedelta(hours=2),
        window_end=proposal.end + dt.timedelta(hours=2),
        now=timezone.now(),
        schedule=schedule,
    )
    assert all(s.end <= proposal.start or s.start >= proposal.end for s in slots)
    accepted = actions.accept_proposal(appointment=proposal, acting_user=patient_a.user)
    assert accepted.status == "confirmed"
    assert list(accepted.events.values_list("kind", flat=True)) == ["proposed", "accepted"]


def test_expired_proposal_cannot_be_accepted_and_reads_expired(proposal, patient_a):
    Appointment.objects.filter(pk=proposal.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    proposal.refresh_from_db()
    assert proposal.current_status == "expired"  # no worker ran
    with pytest.raises(actions.SchedulingError):
        actions.accept_proposal(appointment=proposal, acting_user=patient_a.user)
    assert expiry.expire_proposals() == 1
    assert expiry.expire_proposals() == 0  # idempotent
    proposal.refresh_from_db()
    assert proposal.status == "expired"
    assert proposal.events.filter(kind=AppointmentEvent.Kind.EXPIRED).count() == 1


def test_decline_and_withdraw(proposal, patient_a, open_specialist):
    actions.decline_proposal(appointment=proposal, acting_user=patient_a.user, reason="Busy")
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    with pytest.raises(actions.SchedulingError):
        actions.withdraw_proposal(appointment=proposal, acting_user=open_specialist.user)


def test_only_the_specialist_withdraws(proposal, patient_a, open_specialist):
    with pytest.raises(PermissionDenied):
        actions.withdraw_proposal(appointment=proposal, acting_user=patient_a.user)
    actions.withdraw_proposal(appointment=proposal, acting_user=open_specialist.user)
    proposal.refresh_from_db()
    assert proposal.status == "cancelled"
    assert proposal.events.last().kind == "withdrawn"


def test_proposals_only_to_known_patients(patient_b, open_specialist, session_type):
    with pytest.raises(PermissionDenied):
        actions.propose_appointment(
            specialist=open_specialist,
            patient=patient_b,
            session_type=session_type,
            start=timezone.now() + dt.timedelta(days=3),
            expires_in_hours=24,
            acting_user=open_specialist.user,
        )


def test_proposal_cannot_overlap_a_booking(proposal, patient_a, open_specialist, session_type):
    with pytest.raises(actions.SchedulingError):
        actions.propose_appointment(
            specialist=open_specialist,
            patient=patient_a,
            session_type=session_type,
            start=proposal.start + dt.timedelta(minutes=10),
            expires_in_hours=24,
            acting_user=open_specialist.user,
        )


# --- Availability ------------------------------------------------------------------------------


def test_availability_rows_belong_to_their_specialist(open_specialist, specialist_2):
    rule = open_specialist.weekly_rules.first()
    with pytest.raises(PermissionDenied):
        actions.add_weekly_rule(
            specialist=open_specialist,
            acting_user=specialist_2.user,
            weekday=0,
            start_time=dt.time(8),
            end_time=dt.time(9),
        )
    assert not actions.remove_availability_item(
        specialist=specialist_2, acting_user=specialist_2.user, kind="weekly", item_id=rule.pk
    )
    assert open_specialist.weekly_rules.filter(pk=rule.pk).exists()


def test_bad_times_are_refused(open_specialist):
    with pytest.raises(actions.SchedulingError):
        actions.add_weekly_rule(
            specialist=open_specialist,
            acting_user=open_specialist.user,
            weekday=0,
            start_time=dt.time(12),
            end_time=dt.time(9),
        )
    with pytest.raises(actions.SchedulingError):
        actions.add_date_override(
            specialist=open_specialist,
            acting_user=open_specialist.user,
            date=dt.date(2030, 1, 1),
            kind="extra",
        )


def test_overlapping_finds_long_sessions_that_began_before_the_range(
    patient_a, open_specialist, session_type, book
):
    booked = book(patient_a, open_specialist, session_type)
    lo = booked.start + dt.timedelta(minutes=10)
    hi = lo + dt.timedelta(hours=2)
    rows = Appointment.objects.filter(specialist=open_specialist)
    assert list(rows.overlapping(lo, hi)) == [booked]
    assert list(rows.overlapping(booked.end, hi)) == []
    assert list(rows.overlapping(lo - dt.timedelta(days=2), booked.start)) == []
    # An eight-hour session that began seven hours before the range still overlaps it.
    Appointment.objects.filter(pk=booked.pk).update(
        start=lo - dt.timedelta(hours=7), end=lo + dt.timedelta(hours=1)
    )
    assert list(rows.overlapping(lo, hi)) == [booked]


def test_an_appointment_longer_than_a_day_is_refused_by_the_database(
    patient_a, open_specialist, session_type, book
):
    booked = book(patient_a, open_specialist, session_type)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=booked.pk).update(end=booked.start + dt.timedelta(hours=25))
