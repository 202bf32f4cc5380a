"""Proposals: the specialist offers a time, the patient accepts or declines before it expires."""

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
    MAX_PROPOSAL_HOURS,
    check_own,
    clean_reason,
    lock_appointment,
    lock_specialist,
    overlaps_held_time,
    save_booked,
    session_snapshot,
)
from hale.scheduling.actions.requests import answer_request
from hale.scheduling.errors import SchedulingError, SlotTaken
from hale.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AvailabilityRequest,
    SessionType,
)
from hale.scheduling.notices import notify_appointment
from hale.scheduling.tasks import schedule_expiry
from hale.specialists.models import Specialist

logger = logging.getLogger(__name__)

Status = Appointment.Status


@transaction.atomic
def propose_appointment(
    *,
    specialist: Specialist,
    patient: Patient,
    session_type: SessionType,
    start: dt.datetime,
    expires_in_hours: int,
    acting_user,
    notes: str = "",
    availability_request: AvailabilityRequest | None = None,
) -> Appointment:
    """The specialist proposes a time to a patient; it holds the time until it expires.

    The time need not be an offered slot (a specialist may offer an hour outside their
    published hours), but it must not overlap a booking or an open proposal.

    With ``availability_request`` the proposal answers that (open) request: the request
    becomes ANSWERED and the proposal links to it. Several proposals may answer one request
    while the first ones are being sent (the request stays ANSWERED).
    """
    check_own(specialist, acting_user)
    if session_type.specialist_id != specialist.pk:
        raise PermissionDenied
    if not access.proposable_patients(specialist).filter(pk=patient.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    _check_proposal_times(start, expires_in_hours, now)
    expires_at = now + dt.timedelta(hours=expires_in_hours)
    end = start + dt.timedelta(minutes=session_type.duration_minutes)
    specialist = lock_specialist(specialist)
    if availability_request is not None:
        availability_request = answer_request(
            availability_request, specialist=specialist, patient=patient, acting_user=acting_user
        )
    if overlaps_held_time(specialist, start, end, now=now):
        raise SchedulingError(_("You already have a session or an open proposal at that time."))
    appointment = Appointment.objects.create(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        **session_snapshot(session_type, patient.brand),
        start=start,
        end=end,
        status=Status.PROPOSED,
        expires_at=expires_at,
        clinic_notes=clean_reason(notes),
        availability_request=availability_request,
        created_by=acting_user,
    )
    AppointmentEvent.record(appointment, AppointmentEvent.Kind.PROPOSED, actor=acting_user)
    schedule_expiry(expires_at)
    audit.record(acting_user, "scheduling.appointment_proposed", appointment, brand=patient.brand)
    notify_appointment(appointment, "appointment.proposed")
    return appointment


def _check_proposal_times(start: dt.datetime, expires_in_hours: int, now: dt.datetime) -> None:
    if not 1 <= expires_in_hours <= MAX_PROPOSAL_HOURS:
        raise SchedulingError(_("A proposal must expire within 1 hour to 14 days."))
    if start <= now:
        raise SchedulingError(_("Choose a time in the future."))
    if now + dt.timedelta(hours=expires_in_hours) > start:
        raise SchedulingError(_("The proposal must expire before the session starts."))


def _open_proposal(appointment: Appointment, now, version: int | None = None) -> Appointment:
    locked = lock_appointment(appointment, version)
    if locked.effective_status(now) != Status.PROPOSED:
        if locked.effective_status(now) == Status.EXPIRED:
            raise SchedulingError(_("This proposal has expired."))
        raise SchedulingError(_("This proposal has already been answered or withdrawn."))
    return locked


@transaction.atomic
def accept_proposal(
    *, appointment: Appointment, acting_user, version: int | None = None
) -> Appointment:
    """The patient accepts an open proposal; it becomes a booking."""
    if appointment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    lock_specialist(appointment.specialist)
    now = timezone.now()
    appointment = _open_proposal(appointment, now, version)
    if overlaps_held_time(
        appointment.specialist,
        appointment.start,
        appointment.end,
        now=now,
        exclude_id=appointment.pk,
    ):
        raise SlotTaken
    previous = appointment.status
    appointment.status = Status.CONFIRMED
    appointment.sequence += 1
    save_booked(appointment, update_fields=["status", "sequence", "updated_at"])
    AppointmentEvent.record(
        appointment, AppointmentEvent.Kind.ACCEPTED, actor=acting_user, from_status=previous
    )
    audit.record(acting_user, "scheduling.proposal_accepted", appointment, brand=appointment.brand)
    # E.g. payments: what the session costs is now due.
    hooks.appointment_accepted.call(appointment=appointment)
    hooks.schedule_changed.call(specialist_id=appointment.specialist_id)
    notify_appointment(appointment, "appointment.accepted")
    return appointment


@transaction.atomic
def decline_proposal(
    *, appointment: Appointment, acting_user, reason: str = "", version: int | None = None
) -> Appointment:
    if appointment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    return _close_proposal(
        appointment, acting_user, Status.DECLINED, AppointmentEvent.Kind.DECLINED, reason, version
    )


@transaction.atomic
def withdraw_proposal(
    *, appointment: Appointment, acting_user, reason: str = "", version: int | None = None
) -> Appointment:
    if appointment.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    return _close_proposal(
        appointment, acting_user, Status.CANCELLED, AppointmentEvent.Kind.WITHDRAWN, reason, version
    )


def _close_proposal(appointment, acting_user, status, kind, reason, version=None) -> Appointment:
    reason = clean_reason(reason)
    appointment = _open_proposal(appointment, timezone.now(), version)
    previous = appointment.status
    appointment.status = status
    appointment.cancellation_reason = reason
    appointment.cancelled_by = acting_user
    appointment.sequence += 1
    appointment.save(
        update_fields=["status", "cancellation_reason", "cancelled_by", "sequence", "updated_at"]
    )
    AppointmentEvent.record(
        appointment, kind, actor=acting_user, from_status=previous, reason=reason
    )
    audit.record(acting_user, f"scheduling.proposal_{kind}", appointment, brand=appointment.brand)
    notify_appointment(appointment, f"appointment.{kind}")
    return appointment


@transaction.atomic
def change_proposal(
    *,
    appointment: Appointment,
    acting_user,
    start: dt.datetime,
    session_type: SessionType,
    expires_in_hours: int,
    notes: str | None = None,
    version: int | None = None,
) -> Appointment:
    """The specialist changes a proposal that is still waiting for the patient: its time,
    session type (details snapshotted again) and answer-by time (counted from now). The
    patient is told; calendars see a new SEQUENCE."""
    specialist = appointment.specialist
    check_own(specialist, acting_user)
    if session_type.specialist_id != specialist.pk or not session_type.is_active:
        raise SchedulingError(_("This session type is not offered."))
    now = timezone.now()
    _check_proposal_times(start, expires_in_hours, now)
    lock_specialist(specialist)
    appointment = _open_proposal(appointment, now, version)
    end = start + dt.timedelta(minutes=session_type.duration_minutes)
    if overlaps_held_time(specialist, start, end, now=now, exclude_id=appointment.pk):
        raise SchedulingError(_("You already have a session or an open proposal at that time."))
    previous_start = appointment.start
    for field, value in session_snapshot(session_type, appointment.brand).items():
        setattr(appointment, field, value)
    appointment.start, appointment.end = start, end
    appointment.expires_at = now + dt.timedelta(hours=expires_in_hours)
    fields = [
        "session_type",
        "session_name",
        "start",
        "end",
        "buffer_before_minutes",
        "buffer_after_minutes",
        "modality",
        "location",
        "price_minor",
        "currency",
        "expires_at",
        "sequence",
        "updated_at",
    ]
    if notes is not None:
        appointment.clinic_notes = clean_reason(notes)
        fields.append("clinic_notes")
    appointment.sequence += 1
    appointment.save(update_fields=fields)
    AppointmentEvent.record(
        appointment,
        AppointmentEvent.Kind.CHANGED,
        actor=acting_user,
        from_status=appointment.status,
        previous_start=previous_start.isoformat(),
        new_start=start.isoformat(),
    )
    schedule_expiry(appointment.expires_at)
    audit.record(acting_user, "scheduling.proposal_changed", appointment, brand=appointment.brand)
    notify_appointment(appointment, "appointment.proposal_changed", previous_start=previous_start)
    return appointment
