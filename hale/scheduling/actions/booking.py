"""Booking, cancelling, rescheduling and closing a session.

- One transaction per action; the specialist's row is locked (``select_for_update``) before
  anything that takes or frees their time, so two bookings for one specialist queue up (on
  SQLite, IMMEDIATE transactions serialise every writer). Lock order: specialist, then
  appointment.
- The chosen time is re-checked inside the transaction against the slot engine; on
  PostgreSQL the exclusion constraint is the backstop and its IntegrityError becomes the same
  friendly ``SlotTaken`` error.
- Every transition writes an ``AppointmentEvent`` (who, when, why) and an audit row, and
  notifies both people after commit, each in their own language and time zone.
- Apps above take part through ``hale.scheduling.hooks`` (matching: who may take whom and
  program cover; payments: what a booking starts as).
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.accounts.models import Patient
from hale.core import audit
from hale.scheduling import access, hooks
from hale.scheduling.actions.common import (
    clean_reason,
    is_offered,
    lock_appointment,
    lock_specialist,
    overlaps_held_time,
    save_booked,
    save_cancelled,
    session_snapshot,
    store_lapsed_hold,
)
from hale.scheduling.errors import SchedulingError, SlotTaken
from hale.scheduling.models import (
    Appointment,
    AppointmentEvent,
    SessionType,
)
from hale.scheduling.notices import notify_appointment
from hale.specialists.models import Specialist

logger = logging.getLogger(__name__)

Status = Appointment.Status


@transaction.atomic
def book_appointment(
    *,
    patient: Patient,
    specialist: Specialist,
    session_type: SessionType,
    start: dt.datetime,
    acting_user,
) -> Appointment:
    """A patient books an offered slot. Raises SlotTaken when the time is no longer offered
    (someone else booked it, or it moved out of the specialist's availability)."""
    if patient.user_id != acting_user.pk or not patient.portal_enabled:
        raise PermissionDenied
    if not access.bookable_specialists(patient.brand).filter(pk=specialist.pk).exists():
        raise PermissionDenied
    if session_type.specialist_id != specialist.pk or not session_type.is_active:
        raise SchedulingError(_("This session type is not offered."))
    specialist = lock_specialist(specialist)
    now = timezone.now()
    slot = is_offered(specialist, session_type, start, now=now)
    if slot is None:
        raise SlotTaken
    # E.g. browse brands: after the first booking the specialist proposes the next times.
    refusal = hooks.booking_refusal.first(
        brand=patient.brand, patient=patient, specialist=specialist
    )
    if refusal:
        raise SchedulingError(refusal)
    # E.g. consents the patient must sign before (this kind of) session.
    requirement = hooks.booking_requirement.first(
        brand=patient.brand, patient=patient, specialist=specialist, session_type=session_type
    )
    if requirement:
        raise SchedulingError(requirement.message)
    # E.g. the first booking starts the care relationship, or the switching rule refuses.
    hooks.before_booking.call(patient=patient, specialist=specialist, acting_user=acting_user)
    appointment = Appointment(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        **session_snapshot(session_type, patient.brand),
        start=slot.start,
        end=slot.end,
        status=Status.CONFIRMED,
        created_by=acting_user,
    )
    save_booked(appointment)
    # E.g. a sponsored program covers the session (price 0 while covered sessions remain).
    hooks.appointment_booked.call(appointment=appointment)
    # E.g. payments: the time is held for a few minutes while the patient pays.
    hold_until = hooks.booking_hold.first(appointment=appointment)
    if hold_until is not None:
        appointment.status = Status.PENDING_PAYMENT
        appointment.expires_at = hold_until
        appointment.save(update_fields=["status", "expires_at", "updated_at"])
    AppointmentEvent.record(appointment, AppointmentEvent.Kind.BOOKED, actor=acting_user)
    audit.record(acting_user, "scheduling.appointment_booked", appointment, brand=patient.brand)
    hooks.schedule_changed.call(specialist_id=specialist.pk)
    notify_appointment(appointment, "appointment.booked")
    return appointment


@transaction.atomic
def confirm_paid_booking(*, appointment: Appointment, acting_user=None) -> bool:
    """A booking held for payment was paid: it becomes CONFIRMED. Idempotent (a confirmed
    booking stays so). A payment that arrives after the hold lapsed still confirms the
    booking when its time is free; when someone else has taken it, False is returned (the
    caller refunds) and nothing changes."""
    lock_specialist(appointment.specialist)
    appointment = lock_appointment(appointment)
    if appointment.status == Status.CONFIRMED:
        return True
    lapsed = appointment.status == Status.EXPIRED and appointment.expires_at is not None
    if appointment.status != Status.PENDING_PAYMENT and not lapsed:
        return False
    now = timezone.now()
    if appointment.start <= now:
        return False
    if overlaps_held_time(
        appointment.specialist,
        appointment.start,
        appointment.end,
        now=now,
        exclude_id=appointment.pk,
    ):
        return False
    previous = appointment.status
    appointment.status = Status.CONFIRMED
    appointment.expires_at = None
    appointment.sequence += 1
    save_booked(appointment, update_fields=["status", "expires_at", "sequence", "updated_at"])
    AppointmentEvent.record(
        appointment, AppointmentEvent.Kind.PAID, actor=acting_user, from_status=previous
    )
    audit.record(acting_user, "scheduling.booking_paid", appointment, brand=appointment.brand)
    hooks.schedule_changed.call(specialist_id=appointment.specialist_id)
    return True


@transaction.atomic
def release_hold(*, appointment: Appointment, acting_user=None) -> bool:
    """Free the time of a booking held for payment: when the hold lapsed (the task's job,
    ``acting_user`` None) or when the patient gives up paying. True when this call released
    it; a paid (confirmed) or already released booking is left as it is."""
    if acting_user is not None and appointment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    lock_specialist(appointment.specialist)
    appointment = lock_appointment(appointment)
    now = timezone.now()
    if appointment.status != Status.PENDING_PAYMENT:
        return False
    if acting_user is None and (appointment.expires_at is None or appointment.expires_at > now):
        return False
    store_lapsed_hold(appointment, acting_user=acting_user)
    hooks.schedule_changed.call(specialist_id=appointment.specialist_id)
    return True


def _notice_deadline(appointment: Appointment, notice_hours: int | None = None) -> dt.datetime:
    if notice_hours is None:
        notice_hours = access.cancellation_notice_hours(appointment.brand)
    return appointment.start - dt.timedelta(hours=notice_hours)


def cancellation_is_late(appointment: Appointment, now=None, notice_hours=None) -> bool:
    """Would a patient's cancellation now be late under the brand's policy? (A page showing
    several appointments of one brand passes ``notice_hours`` read once.)"""
    return (now or timezone.now()) > _notice_deadline(appointment, notice_hours)


def can_reschedule(appointment: Appointment, now=None, notice_hours=None) -> bool:
    return appointment.is_booked and not cancellation_is_late(appointment, now, notice_hours)


@transaction.atomic
def cancel_appointment(
    *, appointment: Appointment, acting_user, reason: str, version: int | None = None
) -> Appointment:
    """The patient or the specialist cancels a booking before it starts.

    A patient cancelling later than the brand's notice is allowed but recorded as a late
    cancellation (payments decide what that costs). A specialist's cancellation is never late.
    """
    is_patient = appointment.patient.user_id == acting_user.pk
    is_specialist = appointment.specialist.user_id == acting_user.pk
    if not (is_patient or is_specialist):
        raise PermissionDenied
    reason = clean_reason(reason)
    if not reason:
        raise SchedulingError(_("Please tell us why you are cancelling."))
    lock_specialist(appointment.specialist)
    appointment = lock_appointment(appointment, version)
    now = timezone.now()
    if not appointment.is_booked:
        raise SchedulingError(_("Only a booked session can be cancelled."))
    if appointment.start <= now:
        raise SchedulingError(_("This session has already started and can no longer be cancelled."))
    previous = appointment.status
    appointment.status = Status.CANCELLED
    appointment.cancelled_late = is_patient and cancellation_is_late(appointment, now)
    save_cancelled(appointment, reason=reason, cancelled_by=acting_user)
    # E.g. a cancellation within the policy gives a program-covered session back.
    hooks.appointment_cancelled.call(appointment=appointment)
    AppointmentEvent.record(
        appointment,
        AppointmentEvent.Kind.CANCELLED,
        actor=acting_user,
        from_status=previous,
        reason=reason,
        late=appointment.cancelled_late,
    )
    audit.record(
        acting_user,
        "scheduling.appointment_cancelled",
        appointment,
        brand=appointment.brand,
        late=appointment.cancelled_late,
    )
    notify_appointment(appointment, "appointment.cancelled")
    hooks.schedule_changed.call(specialist_id=appointment.specialist_id)
    return appointment


@transaction.atomic
def reschedule_appointment(
    *, appointment: Appointment, new_start: dt.datetime, acting_user, version: int | None = None
) -> Appointment:
    """The patient moves a booking to another offered slot, no later than the brand's notice
    before the current start. The appointment keeps its id (calendars update in place)."""
    if appointment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    specialist = lock_specialist(appointment.specialist)
    appointment = lock_appointment(appointment, version)
    now = timezone.now()
    if not appointment.is_booked:
        raise SchedulingError(_("Only a booked session can be rescheduled."))
    if cancellation_is_late(appointment, now):
        raise SchedulingError(policy_message(appointment.brand))
    session_type = appointment.session_type
    if session_type is None or not session_type.is_active:
        raise SchedulingError(_("This session type is no longer offered; please book anew."))
    slot = is_offered(specialist, session_type, new_start, now=now, exclude_id=appointment.pk)
    if slot is None:
        raise SlotTaken
    previous_start = appointment.start
    appointment.start, appointment.end = slot.start, slot.end
    appointment.sequence += 1
    save_booked(appointment, update_fields=["start", "end", "sequence", "updated_at"])
    AppointmentEvent.record(
        appointment,
        AppointmentEvent.Kind.RESCHEDULED,
        actor=acting_user,
        from_status=appointment.status,
        previous_start=previous_start.isoformat(),
        new_start=slot.start.isoformat(),
    )
    audit.record(
        acting_user, "scheduling.appointment_rescheduled", appointment, brand=appointment.brand
    )
    notify_appointment(appointment, "appointment.rescheduled", previous_start=previous_start)
    hooks.schedule_changed.call(specialist_id=appointment.specialist_id)
    return appointment


def policy_message(brand) -> str:
    hours = access.cancellation_notice_hours(brand)
    return _(
        "Sessions can be rescheduled up to %(hours)s hours before they start. "
        "You can still cancel; a cancellation this late is recorded as a late cancellation."
    ) % {"hours": hours}


# --- After the session (specialist) ---------------------------------------------------------


@transaction.atomic
def record_outcome(
    *, appointment: Appointment, acting_user, outcome: str, version: int | None = None
) -> Appointment:
    """The specialist marks a booked session that has started as completed or no-show."""
    if appointment.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    if outcome not in (Status.COMPLETED, Status.NO_SHOW):
        raise SchedulingError(_("Unknown outcome."))
    appointment = lock_appointment(appointment, version)
    if not appointment.is_booked:
        raise SchedulingError(_("Only a booked session can be marked."))
    if appointment.start > timezone.now():
        raise SchedulingError(_("The session has not started yet."))
    previous = appointment.status
    appointment.status = outcome
    appointment.save(update_fields=["status", "updated_at"])
    kind = (
        AppointmentEvent.Kind.COMPLETED
        if outcome == Status.COMPLETED
        else AppointmentEvent.Kind.NO_SHOW
    )
    AppointmentEvent.record(appointment, kind, actor=acting_user, from_status=previous)
    audit.record(
        acting_user, f"scheduling.appointment_{outcome}", appointment, brand=appointment.brand
    )
    return appointment


@transaction.atomic
def set_clinic_notes(*, appointment: Appointment, acting_user, notes: str) -> Appointment:
    """The specialist's notes for the patient (shown on the patient's appointment)."""
    if appointment.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    notes = (notes or "").strip()
    if len(notes) > 2000:
        raise SchedulingError(_("Please keep notes under 2,000 characters."))
    appointment = lock_appointment(appointment)
    appointment.clinic_notes = notes
    appointment.save(update_fields=["clinic_notes", "updated_at"])
    AppointmentEvent.record(
        appointment, AppointmentEvent.Kind.NOTES, actor=acting_user, from_status=appointment.status
    )
    audit.record(acting_user, "scheduling.notes_changed", appointment, brand=appointment.brand)
    return appointment
