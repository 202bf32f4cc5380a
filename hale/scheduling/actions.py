"""Every state change of scheduling: availability, bookings, proposals, cancellations.

Rules kept here (views only parse and render):

- One transaction per action; the specialist's row is locked (``select_for_update``) before
  anything that takes or frees their time, so two bookings for one specialist queue up (on
  SQLite, IMMEDIATE transactions serialise every writer). Lock order: specialist, then
  appointment.
- The chosen time is re-checked inside the transaction against the slot engine; on
  PostgreSQL the exclusion constraint is the backstop and its IntegrityError becomes the same
  friendly ``SlotTaken`` error.
- Every transition writes an ``AppointmentEvent`` (who, when, why) and an audit row, and
  notifies both people after commit, each in their own language and time zone.
- Payments (a later issue) hook in at ``_initial_booked_status``: a priced booking will start
  as PENDING_PAYMENT there. Until then every booking is CONFIRMED.
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.accounts.models import Patient
from hale.core import audit
from hale.core.tasks import enqueue_on_commit
from hale.matching.freshness import schedule_changed
from hale.notifications.actions import notify
from hale.notifications.email import recipient_locale
from hale.notifications.kinds import PATIENT, PLATFORM
from hale.scheduling import access
from hale.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AvailabilityRequest,
    Break,
    DateOverride,
    OneOffSlot,
    SessionType,
    WeeklyRule,
)
from hale.scheduling.pricing import session_price
from hale.scheduling.slots import offered_slots, slot_is_offered
from hale.scheduling.tasks import schedule_expiry, schedule_request_expiry
from hale.specialists.models import Modality, Specialist

logger = logging.getLogger(__name__)

Status = Appointment.Status
MAX_PROPOSAL_HOURS = 24 * 14
REASON_MAX = 1000


class SchedulingError(Exception):
    """A request we refuse, with a message the user can read."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class SlotTaken(SchedulingError):
    def __init__(self):
        super().__init__(gettext_lazy("This time was just taken — please choose another."))


# --- Helpers ---------------------------------------------------------------------------------


def _lock_specialist(specialist: Specialist) -> Specialist:
    return Specialist.objects.select_for_update().get(pk=specialist.pk)


def _lock_appointment(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def _event(appointment, kind, *, actor, from_status="", reason="", **data) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        from_status=from_status,
        to_status=appointment.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        data=data,
    )


def _initial_booked_status(price) -> str:
    """The status a new booking starts in. The payments issue returns PENDING_PAYMENT for a
    priced session here (and confirms on payment)."""
    return Status.CONFIRMED


def _offered(specialist, session_type, start: dt.datetime, *, now, exclude_id=None):
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


def _overlaps_held_time(specialist, start, end, *, now, exclude_id=None) -> bool:
    qs = Appointment.objects.blocking(now).filter(
        specialist=specialist, start__lt=end, end__gt=start
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def _save_booked(appointment: Appointment, *, update_fields=None) -> None:
    """Save in a savepoint: the PostgreSQL exclusion constraint's IntegrityError (another
    booking won the race) becomes SlotTaken and leaves the outer transaction usable."""
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


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise SchedulingError(_("Please keep the reason under 1,000 characters."))
    return reason


def _local_when(moment: dt.datetime) -> str:
    """A moment in the active zone with the zone named (call inside recipient_locale)."""
    local = timezone.localtime(moment)
    return (
        f"{formats.date_format(local, 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"
    )


# Titles and bodies per kind: (title, body) with %(session)s, %(when)s, %(other)s.
_MESSAGES = {
    "appointment.booked": (
        gettext_lazy("Booked: %(session)s on %(when)s"),
        gettext_lazy("%(session)s with %(other)s is booked for %(when)s."),
    ),
    "appointment.proposed": (
        gettext_lazy("Proposed: %(session)s on %(when)s"),
        gettext_lazy(
            "%(other)s proposed %(session)s on %(when)s. Please answer before %(expires)s."
        ),
    ),
    "appointment.accepted": (
        gettext_lazy("Accepted: %(session)s on %(when)s"),
        gettext_lazy("%(session)s with %(other)s on %(when)s is confirmed."),
    ),
    "appointment.declined": (
        gettext_lazy("Declined: %(session)s on %(when)s"),
        gettext_lazy("The proposed %(session)s with %(other)s on %(when)s was declined."),
    ),
    "appointment.withdrawn": (
        gettext_lazy("Withdrawn: %(session)s on %(when)s"),
        gettext_lazy("The proposed %(session)s with %(other)s on %(when)s was withdrawn."),
    ),
    "appointment.expired": (
        gettext_lazy("Expired: %(session)s on %(when)s"),
        gettext_lazy("The proposed %(session)s with %(other)s on %(when)s expired unanswered."),
    ),
    "appointment.cancelled": (
        gettext_lazy("Cancelled: %(session)s on %(when)s"),
        gettext_lazy("%(session)s with %(other)s on %(when)s is cancelled."),
    ),
    "appointment.rescheduled": (
        gettext_lazy("Rescheduled: %(session)s now on %(when)s"),
        gettext_lazy("%(session)s with %(other)s moved from %(previous)s to %(when)s."),
    ),
}


def _notify_both(
    appointment: Appointment, kind: str, *, previous_start=None, names=None, note=None
) -> None:
    """Tell the patient (on their brand) and the specialist (on the platform) after commit,
    each with times in their own zone and language. ``names`` ({"patient": ...,
    "specialist": ...}) are taken before commit when one side is being anonymised (account
    deletion; that side is inactive by then and gets nothing); ``note`` (lazy, may use
    %(other)s) is added to the body."""
    appointment_id = appointment.pk

    def send():
        appt = Appointment.objects.select_related("patient__user", "specialist__user", "brand").get(
            pk=appointment_id
        )
        title_t, body_t = _MESSAGES[kind]
        recipients = []
        if appt.patient.user is not None:
            recipients.append(
                (
                    appt.patient.user,
                    PATIENT,
                    names["specialist"] if names else appt.specialist.display_name,
                    reverse("appointment_detail", urlconf="hale.urls_brand", args=[appt.uuid]),
                )
            )
        recipients.append(
            (
                appt.specialist.user,
                PLATFORM,
                names["patient"] if names else appt.patient.full_name or appt.patient.email,
                reverse("schedule_appointment", urlconf="hale.urls_platform", args=[appt.uuid]),
            )
        )
        for user, portal, other, url in recipients:
            with recipient_locale(user, appt.brand):
                values = {
                    "session": appt.session_name,
                    "when": _local_when(appt.start),
                    "other": other,
                    "expires": _local_when(appt.expires_at) if appt.expires_at else "",
                    "previous": _local_when(previous_start) if previous_start else "",
                }
                title, body = str(title_t) % values, str(body_t) % values
                if note:
                    body = f"{body} {str(note) % values}"
            notify(
                user=user,
                kind=kind,
                brand=appt.brand,
                title=title,
                body=body,
                url=url,
                portal=portal,
                context={"appointment": str(appt.uuid)},
            )

    transaction.on_commit(send)


# --- Session types and availability (the specialist's own) -----------------------------------

SESSION_TYPE_FIELDS = (
    "name",
    "duration_minutes",
    "price_minor",
    "currency",
    "modality",
    "location",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "minimum_notice_minutes",
    "booking_horizon_days",
    "is_active",
)


def _own(specialist: Specialist, acting_user) -> None:
    if specialist.user_id != acting_user.pk:
        raise PermissionDenied


def _check_session_values(values: dict) -> None:
    if values.get("modality") == Modality.IN_PERSON and not values.get("location", "").strip():
        raise SchedulingError(_("In-person sessions need a location."))


@transaction.atomic
def save_session_type(
    *, specialist: Specialist, acting_user, values: dict, session_type: SessionType | None = None
) -> SessionType:
    """Create a session type, or update ``session_type``, with cleaned form ``values``.
    Existing appointments keep the details they were booked with."""
    _own(specialist, acting_user)
    _check_session_values(values)
    if session_type is None:
        session_type = SessionType(specialist=specialist)
    elif session_type.specialist_id != specialist.pk:
        raise PermissionDenied
    for name in SESSION_TYPE_FIELDS:
        if name in values:
            setattr(session_type, name, values[name])
    session_type.currency = session_type.currency.upper()
    session_type.save()
    audit.record(acting_user, "scheduling.session_type_saved", session_type)
    return session_type


def _check_times(start: dt.time, end: dt.time) -> None:
    if end <= start:
        raise SchedulingError(_("The end time must be after the start time."))


@transaction.atomic
def add_weekly_rule(*, specialist, acting_user, weekday: int, start_time, end_time) -> WeeklyRule:
    _own(specialist, acting_user)
    _check_times(start_time, end_time)
    rule = WeeklyRule.objects.create(
        specialist=specialist, weekday=weekday, start_time=start_time, end_time=end_time
    )
    audit.record(acting_user, "scheduling.weekly_rule_added", rule)
    schedule_changed(specialist.pk)
    return rule


@transaction.atomic
def add_date_override(
    *, specialist, acting_user, date: dt.date, kind: str, start_time=None, end_time=None
) -> DateOverride:
    """Extra hours need times; time off without times is the whole day."""
    _own(specialist, acting_user)
    if kind == DateOverride.Kind.EXTRA and (start_time is None or end_time is None):
        raise SchedulingError(_("Extra hours need a start and an end time."))
    if (start_time is None) != (end_time is None):
        raise SchedulingError(_("Give both times, or none for the whole day."))
    if start_time is not None:
        _check_times(start_time, end_time)
    override = DateOverride.objects.create(
        specialist=specialist, date=date, kind=kind, start_time=start_time, end_time=end_time
    )
    audit.record(acting_user, "scheduling.date_override_added", override)
    schedule_changed(specialist.pk)
    return override


@transaction.atomic
def add_break(
    *, specialist, acting_user, start_time, end_time, weekday: int | None = None, date=None
) -> Break:
    _own(specialist, acting_user)
    if (weekday is None) == (date is None):
        raise SchedulingError(_("Choose either a day of the week or a date for the break."))
    _check_times(start_time, end_time)
    item = Break.objects.create(
        specialist=specialist, weekday=weekday, date=date, start_time=start_time, end_time=end_time
    )
    audit.record(acting_user, "scheduling.break_added", item)
    schedule_changed(specialist.pk)
    return item


@transaction.atomic
def add_one_off_slot(*, specialist, acting_user, start: dt.datetime, end: dt.datetime):
    _own(specialist, acting_user)
    if end <= start:
        raise SchedulingError(_("The end must be after the start."))
    if end - start > dt.timedelta(hours=24):
        raise SchedulingError(_("One-off availability can last at most 24 hours."))
    slot = OneOffSlot.objects.create(specialist=specialist, start=start, end=end)
    audit.record(acting_user, "scheduling.one_off_added", slot)
    schedule_changed(specialist.pk)
    return slot


AVAILABILITY_MODELS = {
    "weekly": WeeklyRule,
    "override": DateOverride,
    "break": Break,
    "oneoff": OneOffSlot,
}


@transaction.atomic
def remove_availability_item(*, specialist, acting_user, kind: str, item_id: int) -> bool:
    """Delete one of the specialist's own availability rows (weekly hours, override, break,
    one-off). Another specialist's id deletes nothing. Booked appointments stay booked."""
    _own(specialist, acting_user)
    model = AVAILABILITY_MODELS.get(kind)
    if model is None:
        return False
    deleted, _rows = model.objects.filter(specialist=specialist, pk=item_id).delete()
    if deleted:
        audit.record(acting_user, f"scheduling.{kind}_removed", None, item=item_id)
        schedule_changed(specialist.pk)
    return bool(deleted)


# --- Booking ---------------------------------------------------------------------------------


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
    specialist = _lock_specialist(specialist)
    now = timezone.now()
    slot = _offered(specialist, session_type, start, now=now)
    if slot is None:
        raise SlotTaken
    # The first booking starts the care relationship (or the brand's switching rule refuses).
    from hale.matching.actions import note_booking

    note_booking(patient=patient, specialist=specialist, acting_user=acting_user)
    price = session_price(session_type, patient.brand)
    appointment = Appointment(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        session_type=session_type,
        session_name=session_type.name,
        start=slot.start,
        end=slot.end,
        buffer_before_minutes=session_type.buffer_before_minutes,
        buffer_after_minutes=session_type.buffer_after_minutes,
        modality=session_type.modality,
        location=session_type.location,
        price_minor=price.amount_minor,
        currency=price.currency,
        status=_initial_booked_status(price),
        created_by=acting_user,
    )
    _save_booked(appointment)
    # A sponsored program may cover the session (price 0 while covered sessions remain).
    from hale.matching.programs import cover_appointment

    cover_appointment(appointment=appointment)
    _event(appointment, AppointmentEvent.Kind.BOOKED, actor=acting_user)
    audit.record(acting_user, "scheduling.appointment_booked", appointment, brand=patient.brand)
    schedule_changed(specialist.pk)
    _notify_both(appointment, "appointment.booked")
    return appointment


# --- Proposals ---------------------------------------------------------------------------------


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
    _own(specialist, acting_user)
    if session_type.specialist_id != specialist.pk:
        raise PermissionDenied
    if not access.proposable_patients(specialist).filter(pk=patient.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    _check_proposal_times(start, expires_in_hours, now)
    expires_at = now + dt.timedelta(hours=expires_in_hours)
    end = start + dt.timedelta(minutes=session_type.duration_minutes)
    specialist = _lock_specialist(specialist)
    if availability_request is not None:
        availability_request = _answer_request(
            availability_request, specialist=specialist, patient=patient, acting_user=acting_user
        )
    if _overlaps_held_time(specialist, start, end, now=now):
        raise SchedulingError(_("You already have a session or an open proposal at that time."))
    price = session_price(session_type, patient.brand)
    appointment = Appointment.objects.create(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        session_type=session_type,
        session_name=session_type.name,
        start=start,
        end=end,
        buffer_before_minutes=session_type.buffer_before_minutes,
        buffer_after_minutes=session_type.buffer_after_minutes,
        modality=session_type.modality,
        location=session_type.location,
        price_minor=price.amount_minor,
        currency=price.currency,
        status=Status.PROPOSED,
        expires_at=expires_at,
        clinic_notes=_clean_reason(notes),
        availability_request=availability_request,
        created_by=acting_user,
    )
    _event(appointment, AppointmentEvent.Kind.PROPOSED, actor=acting_user)
    schedule_expiry(expires_at)
    audit.record(acting_user, "scheduling.appointment_proposed", appointment, brand=patient.brand)
    _notify_both(appointment, "appointment.proposed")
    return appointment


def _check_proposal_times(start: dt.datetime, expires_in_hours: int, now: dt.datetime) -> None:
    if not 1 <= expires_in_hours <= MAX_PROPOSAL_HOURS:
        raise SchedulingError(_("A proposal must expire within 1 hour to 14 days."))
    if start <= now:
        raise SchedulingError(_("Choose a time in the future."))
    if now + dt.timedelta(hours=expires_in_hours) > start:
        raise SchedulingError(_("The proposal must expire before the session starts."))


def _open_proposal(appointment: Appointment, now) -> Appointment:
    locked = _lock_appointment(appointment)
    if locked.effective_status(now) != Status.PROPOSED:
        if locked.effective_status(now) == Status.EXPIRED:
            raise SchedulingError(_("This proposal has expired."))
        raise SchedulingError(_("This proposal has already been answered or withdrawn."))
    return locked


@transaction.atomic
def accept_proposal(*, appointment: Appointment, acting_user) -> Appointment:
    """The patient accepts an open proposal; it becomes a booking."""
    if appointment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    _lock_specialist(appointment.specialist)
    now = timezone.now()
    appointment = _open_proposal(appointment, now)
    if _overlaps_held_time(
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
    _save_booked(appointment, update_fields=["status", "sequence", "updated_at"])
    _event(appointment, AppointmentEvent.Kind.ACCEPTED, actor=acting_user, from_status=previous)
    audit.record(acting_user, "scheduling.proposal_accepted", appointment, brand=appointment.brand)
    schedule_changed(appointment.specialist_id)
    _notify_both(appointment, "appointment.accepted")
    return appointment


@transaction.atomic
def decline_proposal(*, appointment: Appointment, acting_user, reason: str = "") -> Appointment:
    if appointment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    return _close_proposal(
        appointment, acting_user, Status.DECLINED, AppointmentEvent.Kind.DECLINED, reason
    )


@transaction.atomic
def withdraw_proposal(*, appointment: Appointment, acting_user, reason: str = "") -> Appointment:
    if appointment.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    return _close_proposal(
        appointment, acting_user, Status.CANCELLED, AppointmentEvent.Kind.WITHDRAWN, reason
    )


def _close_proposal(appointment, acting_user, status, kind, reason) -> Appointment:
    reason = _clean_reason(reason)
    appointment = _open_proposal(appointment, timezone.now())
    previous = appointment.status
    appointment.status = status
    appointment.cancellation_reason = reason
    appointment.cancelled_by = acting_user
    appointment.sequence += 1
    appointment.save(
        update_fields=["status", "cancellation_reason", "cancelled_by", "sequence", "updated_at"]
    )
    _event(appointment, kind, actor=acting_user, from_status=previous, reason=reason)
    audit.record(acting_user, f"scheduling.proposal_{kind}", appointment, brand=appointment.brand)
    _notify_both(appointment, f"appointment.{kind}")
    return appointment


def expire_proposals(*, now: dt.datetime | None = None) -> int:
    """Store EXPIRED on proposals past their expiry and send the notices (the task's job).

    Pages are right without it (expiry is derived from ``expires_at``); this only records
    the transition and tells people. Idempotent: a conditional update claims each row once.
    """
    now = now or timezone.now()
    ids = list(
        Appointment.objects.filter(status=Status.PROPOSED, expires_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=pk, status=Status.PROPOSED, expires_at__lte=now
            ).update(status=Status.EXPIRED, updated_at=now)
            if not claimed:
                continue
            appointment = Appointment.objects.get(pk=pk)
            _event(
                appointment,
                AppointmentEvent.Kind.EXPIRED,
                actor=None,
                from_status=Status.PROPOSED,
            )
            _notify_both(appointment, "appointment.expired")
            done += 1
    return done


# --- Cancelling and rescheduling ------------------------------------------------------------


def _notice_deadline(appointment: Appointment) -> dt.datetime:
    return appointment.start - dt.timedelta(
        hours=access.cancellation_notice_hours(appointment.brand)
    )


def cancellation_is_late(appointment: Appointment, now=None) -> bool:
    """Would a patient's cancellation now be late under the brand's policy?"""
    return (now or timezone.now()) > _notice_deadline(appointment)


def can_reschedule(appointment: Appointment, now=None) -> bool:
    return appointment.is_booked and not cancellation_is_late(appointment, now)


@transaction.atomic
def cancel_appointment(*, appointment: Appointment, acting_user, reason: str) -> Appointment:
    """The patient or the specialist cancels a booking before it starts.

    A patient cancelling later than the brand's notice is allowed but recorded as a late
    cancellation (payments decide what that costs). A specialist's cancellation is never late.
    """
    is_patient = appointment.patient.user_id == acting_user.pk
    is_specialist = appointment.specialist.user_id == acting_user.pk
    if not (is_patient or is_specialist):
        raise PermissionDenied
    reason = _clean_reason(reason)
    if not reason:
        raise SchedulingError(_("Please tell us why you are cancelling."))
    _lock_specialist(appointment.specialist)
    appointment = _lock_appointment(appointment)
    now = timezone.now()
    if not appointment.is_booked:
        raise SchedulingError(_("Only a booked session can be cancelled."))
    if appointment.start <= now:
        raise SchedulingError(_("This session has already started and can no longer be cancelled."))
    previous = appointment.status
    appointment.status = Status.CANCELLED
    appointment.cancellation_reason = reason
    appointment.cancelled_by = acting_user
    appointment.cancelled_late = is_patient and cancellation_is_late(appointment, now)
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
    # A cancellation within the policy gives a program-covered session back.
    from hale.matching.programs import release_cover

    release_cover(appointment=appointment)
    _event(
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
    _notify_both(appointment, "appointment.cancelled")
    schedule_changed(appointment.specialist_id)
    return appointment


@transaction.atomic
def reschedule_appointment(
    *, appointment: Appointment, new_start: dt.datetime, acting_user
) -> Appointment:
    """The patient moves a booking to another offered slot, no later than the brand's notice
    before the current start. The appointment keeps its id (calendars update in place)."""
    if appointment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    specialist = _lock_specialist(appointment.specialist)
    appointment = _lock_appointment(appointment)
    now = timezone.now()
    if not appointment.is_booked:
        raise SchedulingError(_("Only a booked session can be rescheduled."))
    if cancellation_is_late(appointment, now):
        raise SchedulingError(policy_message(appointment.brand))
    session_type = appointment.session_type
    if session_type is None or not session_type.is_active:
        raise SchedulingError(_("This session type is no longer offered; please book anew."))
    slot = _offered(specialist, session_type, new_start, now=now, exclude_id=appointment.pk)
    if slot is None:
        raise SlotTaken
    previous_start = appointment.start
    appointment.start, appointment.end = slot.start, slot.end
    appointment.sequence += 1
    _save_booked(appointment, update_fields=["start", "end", "sequence", "updated_at"])
    _event(
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
    _notify_both(appointment, "appointment.rescheduled", previous_start=previous_start)
    schedule_changed(appointment.specialist_id)
    return appointment


def policy_message(brand) -> str:
    hours = access.cancellation_notice_hours(brand)
    return _(
        "Sessions can be rescheduled up to %(hours)s hours before they start. "
        "You can still cancel; a cancellation this late is recorded as a late cancellation."
    ) % {"hours": hours}


# --- After the session (specialist) ---------------------------------------------------------


@transaction.atomic
def record_outcome(*, appointment: Appointment, acting_user, outcome: str) -> Appointment:
    """The specialist marks a booked session that has started as completed or no-show."""
    if appointment.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    if outcome not in (Status.COMPLETED, Status.NO_SHOW):
        raise SchedulingError(_("Unknown outcome."))
    appointment = _lock_appointment(appointment)
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
    _event(appointment, kind, actor=acting_user, from_status=previous)
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
    appointment = _lock_appointment(appointment)
    appointment.clinic_notes = notes
    appointment.save(update_fields=["clinic_notes", "updated_at"])
    _event(
        appointment, AppointmentEvent.Kind.NOTES, actor=acting_user, from_status=appointment.status
    )
    audit.record(acting_user, "scheduling.notes_changed", appointment, brand=appointment.brand)
    return appointment


# --- Changing a proposal ---------------------------------------------------------------------


@transaction.atomic
def change_proposal(
    *,
    appointment: Appointment,
    acting_user,
    start: dt.datetime,
    session_type: SessionType,
    expires_in_hours: int,
    notes: str | None = None,
) -> Appointment:
    """The specialist changes a proposal that is still waiting for the patient: its time,
    session type (details snapshotted again) and answer-by time (counted from now). The
    patient is told; calendars see a new SEQUENCE."""
    specialist = appointment.specialist
    _own(specialist, acting_user)
    if session_type.specialist_id != specialist.pk or not session_type.is_active:
        raise SchedulingError(_("This session type is not offered."))
    now = timezone.now()
    _check_proposal_times(start, expires_in_hours, now)
    _lock_specialist(specialist)
    appointment = _open_proposal(appointment, now)
    end = start + dt.timedelta(minutes=session_type.duration_minutes)
    if _overlaps_held_time(specialist, start, end, now=now, exclude_id=appointment.pk):
        raise SchedulingError(_("You already have a session or an open proposal at that time."))
    previous_start = appointment.start
    price = session_price(session_type, appointment.brand)
    appointment.session_type = session_type
    appointment.session_name = session_type.name
    appointment.start, appointment.end = start, end
    appointment.buffer_before_minutes = session_type.buffer_before_minutes
    appointment.buffer_after_minutes = session_type.buffer_after_minutes
    appointment.modality = session_type.modality
    appointment.location = session_type.location
    appointment.price_minor, appointment.currency = price.amount_minor, price.currency
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
        appointment.clinic_notes = _clean_reason(notes)
        fields.append("clinic_notes")
    appointment.sequence += 1
    appointment.save(update_fields=fields)
    _event(
        appointment,
        AppointmentEvent.Kind.CHANGED,
        actor=acting_user,
        from_status=appointment.status,
        previous_start=previous_start.isoformat(),
        new_start=start.isoformat(),
    )
    schedule_expiry(appointment.expires_at)
    audit.record(acting_user, "scheduling.proposal_changed", appointment, brand=appointment.brand)
    _notify_both(appointment, "appointment.proposal_changed", previous_start=previous_start)
    return appointment


_MESSAGES["appointment.proposal_changed"] = (
    gettext_lazy("Changed proposal: %(session)s on %(when)s"),
    gettext_lazy(
        "%(other)s changed the proposed session: %(session)s on %(when)s (was %(previous)s). "
        "Please answer before %(expires)s."
    ),
)


# --- Availability requests ---------------------------------------------------------------------

# --- Account deletion (called by hale.scheduling.data_rights) ---------------------------------

ACCOUNT_CLOSED_REASON = gettext_lazy("The account was closed.")
_ACCOUNT_CLOSED_NOTE = gettext_lazy("Reason: %(other)s closed their account.")


def _closing_side(obj, closing_user, acting_user) -> bool:
    """True when ``closing_user`` is the patient of ``obj`` (an appointment or a request),
    False when they are its specialist; only they or an operator may close."""
    if acting_user.pk != closing_user.pk and not acting_user.is_superuser:
        raise PermissionDenied
    if obj.patient.user_id == closing_user.pk:
        return True
    if obj.specialist.user_id == closing_user.pk:
        return False
    raise PermissionDenied


def _names_now(obj) -> dict:
    return {
        "patient": obj.patient.full_name or obj.patient.email,
        "specialist": obj.specialist.display_name,
    }


@transaction.atomic
def close_appointment_for_deleted_account(
    *, appointment: Appointment, closing_user, acting_user
) -> Appointment | None:
    """``closing_user`` (the patient or the specialist) is deleting their account; called by
    the data-rights eraser before anything is anonymised (``acting_user`` is they or the
    operator deleting it).

    A booking that has not started is cancelled (a patient's late closure counts as late, as
    in ``cancel_appointment``); an open proposal is declined (patient) or withdrawn
    (specialist). The other side gets the usual notice, naming the person as they were
    before anonymisation and saying why. Past, running and closed appointments are kept as
    they are (None is returned): they are records we must keep.
    """
    is_patient = _closing_side(appointment, closing_user, acting_user)
    names = _names_now(appointment)
    reason = str(ACCOUNT_CLOSED_REASON)
    _lock_specialist(appointment.specialist)
    appointment = _lock_appointment(appointment)
    now = timezone.now()
    previous = appointment.status
    if appointment.is_booked and appointment.start > now:
        kind = AppointmentEvent.Kind.CANCELLED
        appointment.status = Status.CANCELLED
        appointment.cancelled_late = is_patient and cancellation_is_late(appointment, now)
    elif appointment.effective_status(now) == Status.PROPOSED:
        if is_patient:
            kind, appointment.status = AppointmentEvent.Kind.DECLINED, Status.DECLINED
        else:
            kind, appointment.status = AppointmentEvent.Kind.WITHDRAWN, Status.CANCELLED
    else:
        return None
    appointment.cancellation_reason = reason
    appointment.cancelled_by = closing_user
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
    _event(
        appointment,
        kind,
        actor=acting_user,
        from_status=previous,
        reason=reason,
        account_closed=True,
        late=appointment.cancelled_late,
    )
    audit.record(
        acting_user,
        "scheduling.appointment_closed_account_deleted",
        appointment,
        brand=appointment.brand,
        event=kind,
    )
    _notify_both(appointment, f"appointment.{kind}", names=names, note=_ACCOUNT_CLOSED_NOTE)
    return appointment


@transaction.atomic
def close_request_for_deleted_account(
    *, request: AvailabilityRequest, closing_user, acting_user
) -> AvailabilityRequest | None:
    """Close an open availability request of ``closing_user`` (see
    ``close_appointment_for_deleted_account``): it is declined with the account-closed
    reason. When the specialist's account closes the patient is told; when the patient's
    does, the request just leaves the specialist's open list. Returns None if not open."""
    is_patient = _closing_side(request, closing_user, acting_user)
    names = _names_now(request)
    request = AvailabilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.effective_status() != AvailabilityRequest.Status.OPEN:
        return None
    request.status = AvailabilityRequest.Status.DECLINED
    request.decline_reason = str(ACCOUNT_CLOSED_REASON)
    request.answered_at = timezone.now()
    request.answered_by = None if is_patient else closing_user
    request.save(update_fields=["status", "decline_reason", "answered_at", "answered_by"])
    audit.record(
        acting_user, "scheduling.request_closed_account_deleted", request, brand=request.brand
    )
    if not is_patient:
        _notify_request(
            request.pk, "availability.declined", to_patient=True, to_specialist=False, names=names
        )
    return request


REQUEST_TEXT_MAX = 1000


def _answer_request(
    request: AvailabilityRequest, *, specialist, patient, acting_user
) -> AvailabilityRequest:
    """Inside ``propose_appointment`` (specialist locked): mark an open request answered."""
    request = AvailabilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.specialist_id != specialist.pk or request.patient_id != patient.pk:
        raise PermissionDenied
    status = request.effective_status()
    if status == AvailabilityRequest.Status.EXPIRED:
        raise SchedulingError(_("This request has expired."))
    if status == AvailabilityRequest.Status.DECLINED:
        raise SchedulingError(_("You declined this request."))
    if status == AvailabilityRequest.Status.OPEN:
        request.status = AvailabilityRequest.Status.ANSWERED
        request.answered_at = timezone.now()
        request.answered_by = acting_user
        request.save(update_fields=["status", "answered_at", "answered_by"])
        audit.record(acting_user, "scheduling.request_answered", request, brand=request.brand)
    return request


def _request_urls(request: AvailabilityRequest) -> tuple[str, str]:
    patient_url = reverse(
        "availability_request_detail", urlconf="hale.urls_brand", args=[request.uuid]
    )
    practice_url = reverse("schedule_request", urlconf="hale.urls_platform", args=[request.uuid])
    return patient_url, practice_url


_REQUEST_MESSAGES = {
    "availability.requested": (
        gettext_lazy("Availability request from %(patient)s"),
        gettext_lazy(
            "%(patient)s asks for session times: “%(preferred)s”. Please answer before %(expires)s."
        ),
    ),
    "availability.declined": (
        gettext_lazy("%(specialist)s cannot offer times for your request"),
        gettext_lazy("%(specialist)s declined your availability request: %(reason)s"),
    ),
    "availability.expired": (
        gettext_lazy("Availability request expired"),
        gettext_lazy(
            "The availability request of %(patient)s to %(specialist)s was not answered in time."
        ),
    ),
}


def _notify_request(
    request_id: int, kind: str, *, to_patient: bool, to_specialist: bool, names=None
) -> None:
    """``names`` as in ``_notify_both``: taken before commit when one side is anonymised."""

    def send():
        req = AvailabilityRequest.objects.select_related(
            "patient__user", "specialist__user", "brand"
        ).get(pk=request_id)
        patient_url, practice_url = _request_urls(req)
        title_t, body_t = _REQUEST_MESSAGES[kind]
        recipients = []
        if to_patient and req.patient.user is not None:
            recipients.append((req.patient.user, PATIENT, patient_url))
        if to_specialist:
            recipients.append((req.specialist.user, PLATFORM, practice_url))
        for user, portal, url in recipients:
            with recipient_locale(user, req.brand):
                values = {
                    "patient": names["patient"]
                    if names
                    else req.patient.full_name or req.patient.email,
                    "specialist": names["specialist"] if names else req.specialist.display_name,
                    "preferred": req.preferred_times[:200],
                    "reason": req.decline_reason,
                    "expires": _local_when(req.expires_at),
                }
                title, body = str(title_t) % values, str(body_t) % values
            notify(
                user=user,
                kind=kind,
                brand=req.brand,
                title=title,
                body=body,
                url=url,
                portal=portal,
                context={"availability_request": str(req.uuid)},
            )

    transaction.on_commit(send)


@transaction.atomic
def request_availability(
    *,
    patient: Patient,
    specialist: Specialist,
    acting_user,
    preferred_times: str,
    message: str = "",
    session_type: SessionType | None = None,
) -> AvailabilityRequest:
    """A patient asks ``specialist`` for times. The specialist has the brand's response
    window (``BookingPolicy.request_response_hours``) to answer; one open request per patient
    and specialist at a time."""
    if patient.user_id != acting_user.pk or not patient.portal_enabled:
        raise PermissionDenied
    if not access.bookable_specialists(patient.brand).filter(pk=specialist.pk).exists():
        raise PermissionDenied
    if session_type is not None and (
        session_type.specialist_id != specialist.pk or not session_type.is_active
    ):
        raise SchedulingError(_("This session type is not offered."))
    preferred_times = (preferred_times or "").strip()
    message = (message or "").strip()
    if not preferred_times:
        raise SchedulingError(_("Please tell the specialist which times suit you."))
    if len(preferred_times) > REQUEST_TEXT_MAX or len(message) > REQUEST_TEXT_MAX:
        raise SchedulingError(_("Please keep each text under 1,000 characters."))
    _lock_specialist(specialist)
    now = timezone.now()
    if (
        AvailabilityRequest.objects.open(now)
        .filter(patient=patient, specialist=specialist)
        .exists()
    ):
        raise SchedulingError(_("You already have a request waiting for this specialist's answer."))
    expires_at = now + dt.timedelta(hours=access.request_response_hours(patient.brand))
    request = AvailabilityRequest.objects.create(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        session_type=session_type,
        preferred_times=preferred_times,
        message=message,
        expires_at=expires_at,
    )
    audit.record(acting_user, "scheduling.availability_requested", request, brand=patient.brand)
    schedule_request_expiry(expires_at)
    _notify_request(request.pk, "availability.requested", to_patient=False, to_specialist=True)
    return request


@transaction.atomic
def decline_availability_request(
    *, request: AvailabilityRequest, acting_user, reason: str
) -> AvailabilityRequest:
    """The specialist cannot offer times; the patient is told why."""
    if request.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    reason = _clean_reason(reason)
    if not reason:
        raise SchedulingError(_("Please tell the patient why."))
    request = AvailabilityRequest.objects.select_for_update().get(pk=request.pk)
    status = request.effective_status()
    if status == AvailabilityRequest.Status.EXPIRED:
        raise SchedulingError(_("This request has expired."))
    if status != AvailabilityRequest.Status.OPEN:
        raise SchedulingError(_("This request has already been answered."))
    request.status = AvailabilityRequest.Status.DECLINED
    request.decline_reason = reason
    request.answered_at = timezone.now()
    request.answered_by = acting_user
    request.save(update_fields=["status", "decline_reason", "answered_at", "answered_by"])
    audit.record(acting_user, "scheduling.request_declined", request, brand=request.brand)
    _notify_request(request.pk, "availability.declined", to_patient=True, to_specialist=False)
    return request


def expire_availability_requests(*, now: dt.datetime | None = None) -> int:
    """Record expiry of unanswered requests and notify both sides (the task's job).

    Pages are right without it (expiry derives from ``expires_at``). Idempotent: a
    conditional update claims each request once, so a retried run sends nothing twice.
    """
    now = now or timezone.now()
    ids = list(
        AvailabilityRequest.objects.filter(
            status=AvailabilityRequest.Status.OPEN, expires_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            claimed = AvailabilityRequest.objects.filter(
                pk=pk, status=AvailabilityRequest.Status.OPEN, expires_at__lte=now
            ).update(status=AvailabilityRequest.Status.EXPIRED, expiry_notified_at=now)
            if not claimed:
                continue
            _notify_request(pk, "availability.expired", to_patient=True, to_specialist=True)
            done += 1
    return done


# --- Preferences -------------------------------------------------------------------------------


@transaction.atomic
def save_schedule_preferences(*, specialist: Specialist, acting_user, values: dict):
    """Calendar view, proposal defaults and feed privacy of the specialist."""
    from hale.scheduling.models import SchedulePreferences

    _own(specialist, acting_user)
    prefs, _created = SchedulePreferences.objects.select_for_update().get_or_create(
        specialist=specialist
    )
    session_type = values.get("default_session_type")
    if session_type is not None and session_type.specialist_id != specialist.pk:
        raise PermissionDenied
    for name in (
        "calendar_view",
        "proposal_expiry_hours",
        "default_session_type",
        "feed_shows_patient_names",
    ):
        if name in values:
            setattr(prefs, name, values[name])
    if not 1 <= prefs.proposal_expiry_hours <= MAX_PROPOSAL_HOURS:
        raise SchedulingError(_("A proposal must expire within 1 hour to 14 days."))
    prefs.save()
    audit.record(acting_user, "scheduling.preferences_saved", prefs)
    return prefs


# --- Calendar feed (ICS subscription) ----------------------------------------------------------


@transaction.atomic
def create_calendar_feed(*, specialist: Specialist, acting_user) -> str:
    """Revoke the specialist's current feed (if any) and make a new one. Returns the raw
    token, which is shown once and never stored (only its SHA-256 is)."""
    from hale.scheduling.feeds import hash_token, new_token
    from hale.scheduling.models import CalendarFeed

    _own(specialist, acting_user)
    _lock_specialist(specialist)
    now = timezone.now()
    rotated = CalendarFeed.objects.filter(specialist=specialist, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = new_token()
    feed = CalendarFeed.objects.create(specialist=specialist, token_hash=hash_token(token))
    audit.record(
        acting_user,
        "scheduling.feed_rotated" if rotated else "scheduling.feed_created",
        feed,
    )
    return token


@transaction.atomic
def revoke_calendar_feed(*, specialist: Specialist, acting_user) -> bool:
    from hale.scheduling.models import CalendarFeed

    _own(specialist, acting_user)
    revoked = CalendarFeed.objects.filter(specialist=specialist, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit.record(acting_user, "scheduling.feed_revoked", specialist)
    return bool(revoked)


# --- External busy times ------------------------------------------------------------------------

MAX_BUSY_SOURCES = 5


@transaction.atomic
def add_busy_source(*, specialist: Specialist, acting_user, name: str, url: str):
    """Add an external calendar; the first import runs right after commit."""
    from hale.scheduling.busy_import import ImportFailed, normalise_url
    from hale.scheduling.models import BusySource
    from hale.scheduling.tasks import import_busy_source

    _own(specialist, acting_user)
    name = (name or "").strip()[:80] or _("External calendar")
    try:
        url = normalise_url(url)
    except ImportFailed as exc:
        raise SchedulingError(exc.message) from exc
    _lock_specialist(specialist)
    if BusySource.objects.filter(specialist=specialist).count() >= MAX_BUSY_SOURCES:
        raise SchedulingError(_("You can import at most 5 external calendars."))
    source = BusySource.objects.create(specialist=specialist, name=name, url=url)
    audit.record(acting_user, "scheduling.busy_source_added", source)
    enqueue_on_commit(import_busy_source, source.pk)
    return source


@transaction.atomic
def remove_busy_source(*, specialist: Specialist, acting_user, source_id) -> bool:
    """Remove an external calendar and its busy times."""
    from hale.scheduling.models import BusySource

    _own(specialist, acting_user)
    deleted, _rows = BusySource.objects.filter(specialist=specialist, uuid=source_id).delete()
    if deleted:
        audit.record(
            acting_user, "scheduling.busy_source_removed", specialist, source=str(source_id)
        )
    return bool(deleted)


def refresh_busy_source(*, source_id: int, force: bool = False, now=None) -> str:
    """Fetch one external calendar and replace its busy times (the task's job).

    Returns "ok", "failed", or "skipped" (not due yet — a duplicate run of the periodic
    chain, or the source is gone). Never raises for a broken or unreachable feed: the
    error is stored on the source and the specialist is told once per failure streak.
    """
    from hale.scheduling import busy_import
    from hale.scheduling.models import BusySource, BusyTime

    now = now or timezone.now()
    interval = busy_import.fetch_interval()
    # Claim the run: only one worker fetches a source per interval.
    due = BusySource.objects.filter(pk=source_id)
    if not force:
        due = due.filter(next_fetch_at__lte=now)
    if not due.update(next_fetch_at=now + interval, last_fetched_at=now):
        return "skipped"
    source = BusySource.objects.select_related("specialist__user").get(pk=source_id)
    from hale.scheduling.models import specialist_zone

    try:
        body = busy_import.fetch(source.url)
        intervals = busy_import.parse_busy(body, zone=specialist_zone(source.specialist), now=now)
    except busy_import.ImportFailed as exc:
        return _record_busy_failure(source_id, str(exc.message))
    with transaction.atomic():
        locked = BusySource.objects.select_for_update().filter(pk=source_id).first()
        if locked is None:  # removed while we fetched
            return "skipped"
        BusyTime.objects.filter(busy_source=locked).delete()
        BusyTime.objects.bulk_create(
            [
                BusyTime(
                    specialist_id=locked.specialist_id,
                    busy_source=locked,
                    start=start,
                    end=end,
                    source=locked.name[:64],
                )
                for start, end in intervals
            ],
            batch_size=500,
        )
        locked.last_success_at = now
        locked.last_error = ""
        locked.failure_notified = False
        locked.event_count = len(intervals)
        locked.save(
            update_fields=["last_success_at", "last_error", "failure_notified", "event_count"]
        )
    return "ok"


def _record_busy_failure(source_id: int, error: str) -> str:
    from hale.scheduling.models import BusySource

    with transaction.atomic():
        source = (
            BusySource.objects.select_for_update()
            .select_related("specialist__user")
            .filter(pk=source_id)
            .first()
        )
        if source is None:
            return "skipped"
        source.last_error = error[:1000]
        first_of_streak = not source.failure_notified
        source.failure_notified = True
        source.save(update_fields=["last_error", "failure_notified"])
        if first_of_streak:
            user = source.specialist.user
            name, url = source.name, reverse("schedule_busy_sources", urlconf="hale.urls_platform")

            def send():
                with recipient_locale(user):
                    title = _("Cannot read your calendar “%(name)s”") % {"name": name}
                    body = _(
                        "We could not import busy times from “%(name)s”: %(error)s. Your "
                        "other availability is unchanged; we keep trying."
                    ) % {"name": name, "error": error}
                notify(
                    user=user,
                    kind="scheduling.busy_import_failed",
                    title=title,
                    body=body,
                    url=url,
                    portal=PLATFORM,
                )

            transaction.on_commit(send)
    logger.info("Busy-time import of source %s failed: %s", source_id, error)
    return "failed"
