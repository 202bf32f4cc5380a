"""What every scheduling action shares: locks (specialist first, then appointment), the slot
re-check inside the lock, the double-booking backstop, and small input checks."""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.scheduling.errors import AppointmentChanged, SchedulingError, SlotTaken
from hale.scheduling.hooks import hold_lapsed
from hale.scheduling.models import (
    Appointment,
    AppointmentEvent,
    SessionType,
)
from hale.scheduling.pricing import session_price
from hale.scheduling.slots import offered_slots, slot_is_offered
from hale.scheduling.tasks import schedule_reminders
from hale.specialists.models import Specialist

logger = logging.getLogger(__name__)

Status = Appointment.Status


MAX_PROPOSAL_HOURS = 24 * 14
REASON_MAX = 1000


def lock_specialist(specialist: Specialist) -> Specialist:
    return Specialist.objects.select_for_update().get(pk=specialist.pk)


def lock_appointment(appointment: Appointment, version: int | None = None) -> Appointment:
    """Lock the row and re-read it. With ``version`` (the ``sequence`` the person's page
    showed), refuse when someone changed the appointment since: two tabs or two people acting
    at once — the first wins, the second is told and changes nothing."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if version is not None and locked.sequence != version:
        raise AppointmentChanged
    return locked


def is_offered(specialist, session_type, start: dt.datetime, *, now, exclude_id=None):
    """Is ``start`` an offered slot for ``session_type`` right now? (Inside the lock.)"""
    slots = offered_slots(
        specialist,
        session_type,
        window_start=start - dt.timedelta(hours=1),
        window_end=start + dt.timedelta(hours=1),
        now=now,
        exclude_appointment_id=exclude_id,
    )
    return slot_is_offered(slots, start)


def overlaps_held_time(specialist, start, end, *, now, exclude_id=None) -> bool:
    qs = Appointment.objects.blocking(now).filter(specialist=specialist).overlapping(start, end)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def lapse_holds(specialist_id: int, start, end, *, now, exclude_id=None) -> int:
    """Store as lapsed the unpaid holds of the specialist past their expiry that overlap
    ``[start, end)`` (their time is already free for people, see ``blocking``), so the
    exclusion constraint lets a new booking take it. Inside the specialist's lock."""
    lapsed = (
        Appointment.objects.select_for_update()
        .filter(specialist_id=specialist_id, status=Status.PENDING_PAYMENT, expires_at__lte=now)
        .overlapping(start, end)
    )
    if exclude_id is not None:
        lapsed = lapsed.exclude(pk=exclude_id)
    count = 0
    for appointment in lapsed:
        store_lapsed_hold(appointment, acting_user=None)
        count += 1
    return count


def store_lapsed_hold(appointment: Appointment, *, acting_user) -> None:
    """A booking held for payment (locked by the caller) lapses: its time is free. The
    patient giving it up is the ``acting_user``; None when the hold ran out."""
    appointment.status = Status.EXPIRED
    appointment.sequence += 1
    appointment.save(update_fields=["status", "sequence", "updated_at"])
    AppointmentEvent.record(
        appointment,
        AppointmentEvent.Kind.EXPIRED,
        actor=acting_user,
        from_status=Status.PENDING_PAYMENT,
        released_by_patient=acting_user is not None,
    )
    hold_lapsed.call(appointment=appointment)


def save_booked(appointment: Appointment, *, update_fields=None) -> None:
    """Save in a savepoint: the PostgreSQL exclusion constraint's IntegrityError (another
    booking won the race) becomes SlotTaken and leaves the outer transaction usable. Lapsed
    payment holds in the way are stored as lapsed first."""
    lapse_holds(
        appointment.specialist_id,
        appointment.start,
        appointment.end,
        now=timezone.now(),
        exclude_id=appointment.pk,
    )
    try:
        with transaction.atomic():
            if update_fields is None:
                appointment.save()
            else:
                appointment.save(update_fields=update_fields)
    except IntegrityError as exc:
        if "appt_no_double_booking" in str(exc) or "exclusion" in str(exc).lower():
            raise SlotTaken from exc
        raise
    if appointment.status == Appointment.Status.CONFIRMED:
        # Booked, paid, accepted or moved: its reminders fall due at new moments.
        schedule_reminders(appointment)


def session_snapshot(session_type: SessionType, brand) -> dict:
    """The session details an appointment keeps as agreed (later edits of the type do not
    change them): name, buffers, how and where, and the price a patient of ``brand`` pays."""
    price = session_price(session_type, brand)
    return {
        "session_type": session_type,
        "session_name": session_type.name,
        "buffer_before_minutes": session_type.buffer_before_minutes,
        "buffer_after_minutes": session_type.buffer_after_minutes,
        "modality": session_type.modality,
        "location": session_type.location,
        "price_minor": price.amount_minor,
        "currency": price.currency,
    }


def save_cancelled(appointment: Appointment, *, reason: str, cancelled_by) -> None:
    """Store an appointment whose new status (and ``cancelled_late``) the caller has set:
    why and by whom, and a new ``sequence`` so calendars replace the event."""
    appointment.cancellation_reason = reason
    appointment.cancelled_by = cancelled_by
    appointment.sequence += 1
    appointment.save(
        update_fields=[
            "status",
            "cancellation_reason",
            "cancelled_by",
            "cancelled_late",
            "sequence",
            "updated_at",
        ]
    )


def clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise SchedulingError(_("Please keep the reason under 1,000 characters."))
    return reason


def check_own(specialist: Specialist, acting_user) -> None:
    if specialist.user_id != acting_user.pk:
        raise PermissionDenied


def check_times(start: dt.time, end: dt.time) -> None:
    if end <= start:
        raise SchedulingError(_("The end time must be after the start time."))
