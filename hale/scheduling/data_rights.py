"""What scheduling holds about a person, for data export and account deletion
(see ``hale.core.data_rights``).

Export: a patient's appointments (every brand), availability requests and their history;
a specialist's schedule (session types, hours, exceptions, external calendars without their
addresses, feeds without tokens) and their practice's appointments and requests, with the
patients' names (the specialist's own practice records). Times are ISO 8601 in UTC.

Deletion: future bookings are cancelled, open proposals declined or withdrawn and open
requests closed through ``hale.scheduling.actions``, so the other side gets the usual
notice; past appointments stay (clinical and financial records) and keep pointing at the
anonymised patient record. A specialist's schedule stops taking bookings: session types
are switched off, feeds revoked, external calendars (their secret addresses) and
availability deleted.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.data_rights import export_time, register_eraser, register_exporter
from hale.scheduling import actions
from hale.scheduling.models import (
    Appointment,
    AvailabilityRequest,
    Break,
    BusySource,
    BusyTime,
    CalendarFeed,
    DateOverride,
    OneOffSlot,
    SchedulePreferences,
    SessionType,
    WeeklyRule,
)
from hale.specialists.models import Specialist

SECTION = "appointments"
# Before the specialists app's eraser (100) and the accounts app's (900): names are still
# there for the notices.
ERASER_ORDER = 50


def _role(user_id, appointment_or_request, user) -> str:
    """Who did something, without naming other people."""
    if user_id is None:
        return "system"
    if user_id == user.pk:
        return "you"
    if user_id == appointment_or_request.patient.user_id:
        return "patient"
    if user_id == appointment_or_request.specialist.user_id:
        return "specialist"
    return "staff"


def _appointment(appointment: Appointment, user, *, as_specialist: bool, now) -> dict:
    data = {
        "uuid": appointment.uuid,
        "service": appointment.brand.name,
        "session": appointment.session_name,
        "start": export_time(appointment.start),
        "end": export_time(appointment.end),
        "modality": appointment.modality,
        "location": appointment.location,
        "price_minor": appointment.price_minor,
        "currency": appointment.currency,
        "status": appointment.effective_status(now),
        "proposal_expires_at": export_time(appointment.expires_at),
        "cancellation_reason": appointment.cancellation_reason,
        "cancelled_late": appointment.cancelled_late,
        "cancelled_by": (
            _role(appointment.cancelled_by_id, appointment, user)
            if appointment.cancelled_by_id
            else None
        ),
        "notes_from_the_clinic": appointment.clinic_notes,
        "availability_request": (
            appointment.availability_request.uuid if appointment.availability_request else None
        ),
        "created_at": export_time(appointment.created_at),
        "history": [
            {
                "event": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "by": _role(e.actor_id, appointment, user),
                "reason": e.reason,
                "details": e.data,
                "at": export_time(e.at),
            }
            for e in appointment.events.all()
        ],
    }
    if as_specialist:
        data["patient"] = {
            "uuid": appointment.patient.uuid,
            "name": appointment.patient.full_name,
        }
    else:
        data["specialist"] = {
            "uuid": appointment.specialist.uuid,
            "name": appointment.specialist.display_name,
        }
    return data


def _request(request: AvailabilityRequest, user, *, as_specialist: bool, now) -> dict:
    data = {
        "uuid": request.uuid,
        "service": request.brand.name,
        "session_type": request.session_type.name if request.session_type else "",
        "preferred_windows": request.preferred_windows,
        "preferred_zone": request.preferred_zone,
        "preferred_times": request.preferred_times,
        "message": request.message,
        "status": request.effective_status(now),
        "answer_by": export_time(request.expires_at),
        "decline_reason": request.decline_reason,
        "answered_at": export_time(request.answered_at),
        "created_at": export_time(request.created_at),
    }
    if as_specialist:
        data["patient"] = {"uuid": request.patient.uuid, "name": request.patient.full_name}
    else:
        data["specialist"] = {
            "uuid": request.specialist.uuid,
            "name": request.specialist.display_name,
        }
    return data


def _appointments(queryset):
    return queryset.select_related(
        "brand", "patient", "specialist", "availability_request"
    ).prefetch_related("events")


def _requests(queryset):
    return queryset.select_related("brand", "patient", "specialist", "session_type")


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


def _schedule(specialist: Specialist) -> dict:
    prefs = SchedulePreferences.objects.filter(specialist=specialist).first()
    return {
        "time_zone": specialist.time_zone,
        "session_types": [
            {
                "uuid": s.uuid,
                "name": s.name,
                "duration_minutes": s.duration_minutes,
                "price_minor": s.price_minor,
                "currency": s.currency,
                "modality": s.modality,
                "location": s.location,
                "buffer_before_minutes": s.buffer_before_minutes,
                "buffer_after_minutes": s.buffer_after_minutes,
                "minimum_notice_minutes": s.minimum_notice_minutes,
                "booking_horizon_days": s.booking_horizon_days,
                "offered": s.is_active,
                "created_at": export_time(s.created_at),
            }
            for s in SessionType.objects.filter(specialist=specialist).order_by("created_at", "pk")
        ],
        # Weekly hours, exceptions and breaks are wall-clock times in the specialist's zone.
        "weekly_hours": [
            {"weekday": r.weekday, "from": _time(r.start_time), "until": _time(r.end_time)}
            for r in WeeklyRule.objects.filter(specialist=specialist).order_by(
                "weekday", "start_time"
            )
        ],
        "date_exceptions": [
            {
                "date": o.date.isoformat(),
                "kind": o.kind,
                "from": _time(o.start_time),
                "until": _time(o.end_time),
            }
            for o in DateOverride.objects.filter(specialist=specialist).order_by("date", "pk")
        ],
        "breaks": [
            {
                "weekday": b.weekday,
                "date": b.date.isoformat() if b.date else None,
                "from": _time(b.start_time),
                "until": _time(b.end_time),
            }
            for b in Break.objects.filter(specialist=specialist).order_by("pk")
        ],
        "one_off_slots": [
            {"start": export_time(s.start), "end": export_time(s.end)}
            for s in OneOffSlot.objects.filter(specialist=specialist).order_by("start", "pk")
        ],
        # External calendars: never their addresses (they work as passwords).
        "external_calendars": [
            {
                "uuid": s.uuid,
                "name": s.name,
                "created_at": export_time(s.created_at),
                "last_fetched_at": export_time(s.last_fetched_at),
                "last_success_at": export_time(s.last_success_at),
                "event_count": s.event_count,
            }
            for s in BusySource.objects.filter(specialist=specialist)
        ],
        "busy_times": [
            {"start": export_time(b.start), "end": export_time(b.end), "source": b.source}
            for b in BusyTime.objects.filter(specialist=specialist).order_by("start", "pk")
        ],
        # Feeds: when they were made and revoked, never the token or its hash.
        "calendar_feeds": [
            {"created_at": export_time(f.created_at), "revoked_at": export_time(f.revoked_at)}
            for f in CalendarFeed.objects.filter(specialist=specialist).order_by("created_at")
        ],
        "preferences": (
            {
                "calendar_view": prefs.calendar_view,
                "proposal_expiry_hours": prefs.proposal_expiry_hours,
                "feed_shows_patient_names": prefs.feed_shows_patient_names,
            }
            if prefs
            else {}
        ),
    }


@register_exporter(
    SECTION,
    label=_("Appointments"),
    description=_(
        "Your sessions and availability requests on every service, with their history; for "
        "specialists also your schedule and your practice's sessions. Times are in UTC."
    ),
)
def export_appointments(user) -> dict:
    now = timezone.now()
    data: dict[str, dict] = {
        "as_patient": {
            "appointments": [
                _appointment(a, user, as_specialist=False, now=now)
                for a in _appointments(Appointment.objects.filter(patient__user=user))
            ],
            "availability_requests": [
                _request(r, user, as_specialist=False, now=now)
                for r in _requests(AvailabilityRequest.objects.filter(patient__user=user))
            ],
        }
    }
    specialist = Specialist.objects.filter(user=user).first()
    if specialist is not None:
        data["as_specialist"] = {
            "schedule": _schedule(specialist),
            "appointments": [
                _appointment(a, user, as_specialist=True, now=now)
                for a in _appointments(Appointment.objects.filter(specialist=specialist))
            ],
            "availability_requests": [
                _request(r, user, as_specialist=True, now=now)
                for r in _requests(AvailabilityRequest.objects.filter(specialist=specialist))
            ],
        }
    return data


@register_eraser(SECTION, order=ERASER_ORDER)
def erase_appointments(user, *, acting_user) -> None:
    """Cancel what has not happened yet, with notice; keep what has happened.

    Each future booking, open proposal and open request goes through its action in
    ``hale.scheduling.actions`` (locks, event, audit row, notice to the other side after
    commit, worded with the names as they were). A rare action, so one action per row.
    """
    now = timezone.now()
    mine = Q(patient__user=user) | Q(specialist__user=user)
    open_appointments = (
        Appointment.objects.filter(mine)
        .filter(
            Q(status__in=Appointment.BOOKED_STATUSES, start__gt=now)
            | Q(status=Appointment.Status.PROPOSED, expires_at__gt=now)
        )
        .select_related("patient", "specialist", "brand")
        .order_by("start", "pk")
    )
    for appointment in open_appointments:
        actions.close_appointment_for_deleted_account(
            appointment=appointment, closing_user=user, acting_user=acting_user
        )
    open_requests = (
        AvailabilityRequest.objects.open(now)
        .filter(mine)
        .select_related("patient", "specialist", "brand")
    )
    for request in open_requests:
        actions.close_request_for_deleted_account(
            request=request, closing_user=user, acting_user=acting_user
        )

    specialist = Specialist.objects.filter(user=user).first()
    if specialist is None:
        return
    SessionType.objects.filter(specialist=specialist, is_active=True).update(is_active=False)
    CalendarFeed.objects.filter(specialist=specialist, revoked_at__isnull=True).update(
        revoked_at=now
    )
    # Availability and imported busy times only ever served future bookings; the external
    # calendars' addresses are secrets. None of it is a record we must keep.
    BusySource.objects.filter(specialist=specialist).delete()
    BusyTime.objects.filter(specialist=specialist).delete()
    WeeklyRule.objects.filter(specialist=specialist).delete()
    DateOverride.objects.filter(specialist=specialist).delete()
    Break.objects.filter(specialist=specialist).delete()
    OneOffSlot.objects.filter(specialist=specialist).delete()
    audit.record(acting_user, "scheduling.schedule_erased", specialist)
