"""The specialist's own availability: session types, weekly hours, date overrides, breaks,
one-off slots, and calendar preferences. Every change tells matching the schedule moved."""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hale.core import audit
from hale.scheduling import hooks
from hale.scheduling.actions.common import (
    MAX_PROPOSAL_HOURS,
    check_own,
    check_times,
)
from hale.scheduling.errors import SchedulingError
from hale.scheduling.models import (
    Appointment,
    Break,
    DateOverride,
    OneOffSlot,
    SessionType,
    WeeklyRule,
)
from hale.specialists.models import Modality, Specialist

logger = logging.getLogger(__name__)

Status = Appointment.Status


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


def _check_session_values(values: dict) -> None:
    if values.get("modality") == Modality.IN_PERSON and not values.get("location", "").strip():
        raise SchedulingError(_("In-person sessions need a location."))


@transaction.atomic
def save_session_type(
    *, specialist: Specialist, acting_user, values: dict, session_type: SessionType | None = None
) -> SessionType:
    """Create a session type, or update ``session_type``, with cleaned form ``values``.
    Existing appointments keep the details they were booked with."""
    check_own(specialist, acting_user)
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


@transaction.atomic
def add_weekly_rule(*, specialist, acting_user, weekday: int, start_time, end_time) -> WeeklyRule:
    check_own(specialist, acting_user)
    check_times(start_time, end_time)
    rule = WeeklyRule.objects.create(
        specialist=specialist, weekday=weekday, start_time=start_time, end_time=end_time
    )
    audit.record(acting_user, "scheduling.weekly_rule_added", rule)
    hooks.schedule_changed.call(specialist_id=specialist.pk)
    return rule


@transaction.atomic
def add_date_override(
    *, specialist, acting_user, date: dt.date, kind: str, start_time=None, end_time=None
) -> DateOverride:
    """Extra hours need times; time off without times is the whole day."""
    check_own(specialist, acting_user)
    if kind == DateOverride.Kind.EXTRA and (start_time is None or end_time is None):
        raise SchedulingError(_("Extra hours need a start and an end time."))
    if (start_time is None) != (end_time is None):
        raise SchedulingError(_("Give both times, or none for the whole day."))
    if start_time is not None:
        check_times(start_time, end_time)
    override = DateOverride.objects.create(
        specialist=specialist, date=date, kind=kind, start_time=start_time, end_time=end_time
    )
    audit.record(acting_user, "scheduling.date_override_added", override)
    hooks.schedule_changed.call(specialist_id=specialist.pk)
    return override


@transaction.atomic
def add_break(
    *, specialist, acting_user, start_time, end_time, weekday: int | None = None, date=None
) -> Break:
    check_own(specialist, acting_user)
    if (weekday is None) == (date is None):
        raise SchedulingError(_("Choose either a day of the week or a date for the break."))
    check_times(start_time, end_time)
    item = Break.objects.create(
        specialist=specialist, weekday=weekday, date=date, start_time=start_time, end_time=end_time
    )
    audit.record(acting_user, "scheduling.break_added", item)
    hooks.schedule_changed.call(specialist_id=specialist.pk)
    return item


@transaction.atomic
def add_one_off_slot(*, specialist, acting_user, start: dt.datetime, end: dt.datetime):
    check_own(specialist, acting_user)
    if end <= start:
        raise SchedulingError(_("The end must be after the start."))
    if end - start > dt.timedelta(hours=24):
        raise SchedulingError(_("One-off availability can last at most 24 hours."))
    slot = OneOffSlot.objects.create(specialist=specialist, start=start, end=end)
    audit.record(acting_user, "scheduling.one_off_added", slot)
    hooks.schedule_changed.call(specialist_id=specialist.pk)
    return slot


AVAILABILITY_MODELS: dict[str, type[WeeklyRule | DateOverride | Break | OneOffSlot]] = {
    "weekly": WeeklyRule,
    "override": DateOverride,
    "break": Break,
    "oneoff": OneOffSlot,
}


@transaction.atomic
def remove_availability_item(*, specialist, acting_user, kind: str, item_id: int) -> bool:
    """Delete one of the specialist's own availability rows (weekly hours, override, break,
    one-off). Another specialist's id deletes nothing. Booked appointments stay booked."""
    check_own(specialist, acting_user)
    model = AVAILABILITY_MODELS.get(kind)
    if model is None:
        return False
    deleted, _rows = model.objects.filter(specialist=specialist, pk=item_id).delete()
    if deleted:
        audit.record(acting_user, f"scheduling.{kind}_removed", None, item=item_id)
        hooks.schedule_changed.call(specialist_id=specialist.pk)
    return bool(deleted)


@transaction.atomic
def save_schedule_preferences(*, specialist: Specialist, acting_user, values: dict):
    """Calendar view, proposal defaults and feed privacy of the specialist."""
    from hale.scheduling.models import SchedulePreferences

    check_own(specialist, acting_user)
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
        "week_starts_on",
        "day_starts_at",
        "day_ends_at",
        "feed_shows_patient_names",
    ):
        if name in values:
            setattr(prefs, name, values[name])
    if not 1 <= prefs.proposal_expiry_hours <= MAX_PROPOSAL_HOURS:
        raise SchedulingError(_("A proposal must expire within 1 hour to 14 days."))
    if not 0 <= prefs.day_starts_at < prefs.day_ends_at <= 24:
        raise SchedulingError(_("The day must end after it starts."))
    if prefs.week_starts_on not in SchedulePreferences.WeekStart.values:
        raise SchedulingError(_("Choose the day your weeks start on."))
    prefs.save()
    audit.record(acting_user, "scheduling.preferences_saved", prefs)
    return prefs


POLICY_FIELDS = (
    "cancellation_notice_hours",
    "request_response_hours",
    "remind_day_before",
    "remind_hour_before",
)


@transaction.atomic
def save_booking_policy(*, brand, acting_user, values: dict):
    """The brand's booking policy (staff of the brand; the caller checked): notice, request
    window and which session reminders are sent."""
    from hale.scheduling.models import BookingPolicy

    policy, _created = BookingPolicy.objects.select_for_update().get_or_create(brand=brand)
    for name in POLICY_FIELDS:
        if name in values:
            setattr(policy, name, values[name])
    policy.full_clean()
    policy.save()
    audit.record(
        acting_user,
        "scheduling.booking_policy_saved",
        policy,
        brand=brand,
        **{k: str(v) for k, v in values.items() if k in POLICY_FIELDS},
    )
    return policy
