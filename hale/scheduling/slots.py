"""The slot engine: which start times a specialist offers for a session type.

Two layers:

- ``compute_slots(schedule, session, ...)`` is pure: it takes plain values (a ``Schedule``
  of local rules and UTC intervals, a ``SessionSpec``) and returns UTC ``Slot``s. No database.
- ``load_schedule(specialist, start, end)`` fetches everything the engine needs for a window
  in a constant number of queries; ``offered_slots(...)`` combines the two.

How availability is built, per local date in the specialist's zone:

1. weekly rules of that weekday, unless the date is a whole day off; plus extra hours;
2. minus time off on that date, weekly breaks and dated breaks;
3. plus one-off slots (UTC, added by hand);
4. minus blocked time: each active appointment padded by buffers (the larger of its own and
   the new session's buffer on each side) and busy times padded by the session's buffers.

Local times become UTC instants on their own date (``local_to_utc``): a time that does not
exist (the spring-forward gap) moves to the first instant after the gap; an ambiguous time
(autumn fall-back) means its first occurrence (``fold=0``). So a rule 09:00–17:00 gives
eight hours on normal days and is still 09:00–17:00 local on both sides of a change.

Slot starts are on a grid anchored at the start of each availability interval, every
``step`` (30 minutes by default); a slot is offered when the whole session fits in free
time, it starts at least ``minimum_notice`` after now and not later than the horizon.
Everything works on sorted interval lists merged in one pass, so 60 days with hundreds of
appointments take a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hale.core.zones import first_zone

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]
DEFAULT_STEP = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Slot:
    """An offered session time (UTC)."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class SessionSpec:
    """What the engine needs to know about a session type."""

    duration: dt.timedelta
    buffer_before: dt.timedelta = dt.timedelta(0)
    buffer_after: dt.timedelta = dt.timedelta(0)
    minimum_notice: dt.timedelta = dt.timedelta(0)
    horizon: dt.timedelta = dt.timedelta(days=60)

    @classmethod
    def from_session_type(cls, session_type) -> SessionSpec:
        return cls(
            duration=dt.timedelta(minutes=session_type.duration_minutes),
            buffer_before=dt.timedelta(minutes=session_type.buffer_before_minutes),
            buffer_after=dt.timedelta(minutes=session_type.buffer_after_minutes),
            minimum_notice=dt.timedelta(minutes=session_type.minimum_notice_minutes),
            horizon=dt.timedelta(days=session_type.booking_horizon_days),
        )


@dataclass(frozen=True)
class Booked:
    """An existing appointment that holds time, with its own buffers."""

    start: dt.datetime
    end: dt.datetime
    buffer_before: dt.timedelta = dt.timedelta(0)
    buffer_after: dt.timedelta = dt.timedelta(0)


@dataclass
class Schedule:
    """A specialist's availability and commitments, as plain values.

    Local rules (``weekly``, ``extra``, ``time_off``, ``weekly_breaks``, ``dated_breaks``)
    hold ``(start_time, end_time)`` pairs in ``zone``; ``days_off`` are whole local dates.
    ``one_off``, ``busy`` and ``booked`` are UTC.
    """

    zone: zoneinfo.ZoneInfo
    weekly: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    extra: dict[dt.date, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    days_off: set[dt.date] = field(default_factory=set)
    time_off: dict[dt.date, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    weekly_breaks: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    dated_breaks: dict[dt.date, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    one_off: list[Interval] = field(default_factory=list)
    busy: list[Interval] = field(default_factory=list)
    booked: list[Booked] = field(default_factory=list)
    # Working time per window, shared by every session type computed from this schedule.
    _open_cache: dict = field(default_factory=dict, repr=False, compare=False)


# --- Local time → UTC ---------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def local_to_utc(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The UTC instant of wall-clock ``time`` on ``day`` in ``zone``.

    Ambiguous times (clocks go back) mean their first occurrence; times in a spring-forward
    gap, which never happen, move to the end of the gap (the first real instant after it).
    """
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=zone, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == naive:
        return utc
    # Non-existent (in a spring-forward gap): fold=0 read it with the offset before the
    # change and fold=1 with the offset after; the change itself lies between the two
    # instants. Find it by bisection (changes happen on whole seconds).
    lo, hi = sorted((utc, naive.replace(tzinfo=zone, fold=1).astimezone(UTC)))
    before = lo.astimezone(zone).utcoffset()
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) // 2
        if mid.astimezone(zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi


def _local_end_to_utc(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """An interval's end: midnight (00:00) as an end means the next day's midnight."""
    if time == dt.time(0, 0):
        return local_to_utc(day + dt.timedelta(days=1), time, zone)
    return local_to_utc(day, time, zone)


def _local_intervals(
    day: dt.date, pairs: Iterable[tuple[dt.time, dt.time]], zone: zoneinfo.ZoneInfo
) -> list[Interval]:
    out: list[Interval] = []
    if not pairs:
        return out
    for start, end in pairs:
        a = local_to_utc(day, start, zone)
        b = _local_end_to_utc(day, end, zone)
        if b > a:
            out.append((a, b))
    return out


# --- Interval arithmetic (sorted lists of half-open intervals) ----------------------------


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and merge overlapping or touching intervals."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(base: Sequence[Interval], cuts: Sequence[Interval]) -> list[Interval]:
    """``base`` minus ``cuts``; both sorted and merged. One pass over both."""
    out: list[Interval] = []
    j = 0
    for start, end in base:
        while j < len(cuts) and cuts[j][1] <= start:
            j += 1
        k = j
        cur = start
        while k < len(cuts) and cuts[k][0] < end:
            c_start, c_end = cuts[k]
            if c_start > cur:
                out.append((cur, c_start))
            cur = max(cur, c_end)
            if cur >= end:
                break
            k += 1
        if cur < end:
            out.append((cur, end))
    return out


# --- The engine -------------------------------------------------------------------------------


def availability(
    schedule: Schedule, window_start: dt.datetime, window_end: dt.datetime
) -> list[Interval]:
    """Working time (UTC, merged) overlapping ``window_start``–``window_end``, before
    appointments and busy times are taken out. Intervals are whole (not cut at the window)."""
    zone = schedule.zone
    first_day = window_start.astimezone(zone).date() - dt.timedelta(days=1)
    last_day = window_end.astimezone(zone).date() + dt.timedelta(days=1)
    working: list[Interval] = []
    pauses: list[Interval] = []
    day = first_day
    one_day = dt.timedelta(days=1)
    weekly, extra, days_off = schedule.weekly, schedule.extra, schedule.days_off
    time_off, weekly_breaks = schedule.time_off, schedule.weekly_breaks
    dated_breaks = schedule.dated_breaks
    while day <= last_day:
        weekday = day.weekday()
        if weekday in weekly and day not in days_off:
            working += _local_intervals(day, weekly[weekday], zone)
        if day in extra:
            working += _local_intervals(day, extra[day], zone)
        if day in time_off:
            pauses += _local_intervals(day, time_off[day], zone)
        if weekday in weekly_breaks:
            pauses += _local_intervals(day, weekly_breaks[weekday], zone)
        if day in dated_breaks:
            pauses += _local_intervals(day, dated_breaks[day], zone)
        day += one_day
    open_time = subtract(merge(working), merge(pauses))
    open_time = merge([*open_time, *schedule.one_off])
    # Not clipped to the window: an interval's real start anchors the slot grid.
    return [(start, end) for start, end in open_time if start < window_end and end > window_start]


def blocked(schedule: Schedule, session: SessionSpec) -> list[Interval]:
    """Time a new session of ``session`` may not overlap (merged), buffers included.

    A new session [s, e) conflicts with an appointment [a, b) when it starts before
    b + max(appointment's buffer after, new buffer before) and ends after
    a - max(appointment's buffer before, new buffer after).
    """
    cuts: list[Interval] = []
    for booked in schedule.booked:
        cuts.append(
            (
                booked.start - max(booked.buffer_before, session.buffer_after),
                booked.end + max(booked.buffer_after, session.buffer_before),
            )
        )
    for start, end in schedule.busy:
        cuts.append((start - session.buffer_after, end + session.buffer_before))
    return merge(cuts)


def _ceil_to_grid(value: dt.datetime, anchor: dt.datetime, step: dt.timedelta) -> dt.datetime:
    if value <= anchor:
        return anchor
    steps = -(-(value - anchor) // step)
    return anchor + steps * step


def compute_slots(
    schedule: Schedule,
    session: SessionSpec,
    *,
    now: dt.datetime,
    window_start: dt.datetime,
    window_end: dt.datetime,
    step: dt.timedelta = DEFAULT_STEP,
) -> list[Slot]:
    """Offered slots starting in [window_start, window_end), sorted (UTC)."""
    earliest = max(window_start, now + session.minimum_notice)
    latest = min(window_end, now + session.horizon)
    if latest <= earliest:
        return []
    duration = session.duration
    # Availability may begin before ``earliest`` (the grid anchors at its real start). The
    # same padded window for every session type, so one schedule computes it once.
    key = (window_start - dt.timedelta(days=1), window_end + dt.timedelta(days=1))
    open_time = schedule._open_cache.get(key)
    if open_time is None:
        open_time = schedule._open_cache[key] = availability(schedule, *key)
    cuts = blocked(schedule, session)
    slots: list[Slot] = []
    j = 0  # open_time is sorted and disjoint, so one pointer walks the cuts once
    for anchor, end in open_time:
        if end <= earliest:
            continue
        if anchor >= latest:
            break
        while j < len(cuts) and cuts[j][1] <= anchor:
            j += 1
        k = j
        local_cuts = []
        while k < len(cuts) and cuts[k][0] < end:
            local_cuts.append(cuts[k])
            k += 1
        for free_start, free_end in subtract([(anchor, end)], local_cuts):
            start = _ceil_to_grid(max(free_start, earliest), anchor, step)
            while start + duration <= free_end and start < latest:
                slots.append(Slot(start, start + duration))
                start += step
    return slots


def slot_is_offered(slots: Sequence[Slot], start: dt.datetime) -> Slot | None:
    """The slot starting exactly at ``start`` in a sorted list, or None."""
    starts = [s.start for s in slots]
    i = bisect_left(starts, start)
    if i < len(slots) and slots[i].start == start:
        return slots[i]
    return None


def group_by_local_day(
    slots: Iterable[Slot], zone: zoneinfo.ZoneInfo
) -> list[tuple[dt.date, list[Slot]]]:
    """Slots grouped by the viewer's local date (for pages listing them by day)."""
    days: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.start.astimezone(zone).date()].append(slot)
    return sorted(days.items())


# --- Loading from the database ----------------------------------------------------------------


def load_schedule(
    specialist,
    window_start: dt.datetime,
    window_end: dt.datetime,
    *,
    now: dt.datetime,
    exclude_appointment_id: int | None = None,
) -> Schedule:
    """Everything the engine needs for ``specialist`` in a window, in six queries.

    ``exclude_appointment_id`` leaves one appointment out (rescheduling it must not collide
    with itself).
    """
    from hale.scheduling.models import (
        Appointment,
        BusyTime,
        DateOverride,
        OneOffSlot,
        WeeklyRule,
        specialist_zone,
    )
    from hale.scheduling.models import Break as BreakModel

    zone = specialist_zone(specialist)
    schedule = Schedule(zone=zone)
    # A margin of two days covers every zone offset and overnight buffers.
    margin = dt.timedelta(days=2)
    first_day = (window_start - margin).astimezone(zone).date()
    last_day = (window_end + margin).astimezone(zone).date()

    weekly: dict[int, list] = defaultdict(list)
    for rule in WeeklyRule.objects.filter(specialist=specialist).values_list(
        "weekday", "start_time", "end_time"
    ):
        weekly[rule[0]].append((rule[1], rule[2]))
    schedule.weekly = dict(weekly)

    extra: dict[dt.date, list] = defaultdict(list)
    time_off: dict[dt.date, list] = defaultdict(list)
    for day, kind, start, end in DateOverride.objects.filter(
        specialist=specialist, date__gte=first_day, date__lte=last_day
    ).values_list("date", "kind", "start_time", "end_time"):
        if kind == DateOverride.Kind.EXTRA:
            extra[day].append((start, end))
        elif start is None:
            schedule.days_off.add(day)
        else:
            time_off[day].append((start, end))
    schedule.extra, schedule.time_off = dict(extra), dict(time_off)

    weekly_breaks: dict[int, list] = defaultdict(list)
    dated_breaks: dict[dt.date, list] = defaultdict(list)
    breaks = BreakModel.objects.filter(specialist=specialist).filter(
        models_q_breaks(first_day, last_day)
    )
    for weekday, break_date, start, end in breaks.values_list(
        "weekday", "date", "start_time", "end_time"
    ):
        if weekday is not None:
            weekly_breaks[weekday].append((start, end))
        elif break_date is not None:
            dated_breaks[break_date].append((start, end))
    schedule.weekly_breaks, schedule.dated_breaks = dict(weekly_breaks), dict(dated_breaks)

    lo, hi = window_start - margin, window_end + margin
    schedule.one_off = list(
        OneOffSlot.objects.filter(specialist=specialist, start__lt=hi, end__gt=lo).values_list(
            "start", "end"
        )
    )
    schedule.busy = list(
        BusyTime.objects.filter(specialist=specialist, start__lt=hi, end__gt=lo).values_list(
            "start", "end"
        )
    )
    appointments = (
        Appointment.objects.blocking(now).filter(specialist=specialist).overlapping(lo, hi)
    )
    if exclude_appointment_id is not None:
        appointments = appointments.exclude(pk=exclude_appointment_id)
    schedule.booked = [
        Booked(start, end, dt.timedelta(minutes=before), dt.timedelta(minutes=after))
        for start, end, before, after in appointments.values_list(
            "start", "end", "buffer_before_minutes", "buffer_after_minutes"
        )
    ]
    return schedule


def models_q_breaks(first_day: dt.date, last_day: dt.date):
    from django.db.models import Q

    return Q(weekday__isnull=False) | Q(date__gte=first_day, date__lte=last_day)


def offered_slots(
    specialist,
    session_type,
    *,
    window_start: dt.datetime,
    window_end: dt.datetime,
    now: dt.datetime,
    schedule: Schedule | None = None,
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """Slots ``specialist`` offers for ``session_type`` in a window (UTC), from the database.

    Pass a ``schedule`` loaded once to compute several session types without more queries.
    """
    if schedule is None:
        schedule = load_schedule(
            specialist,
            window_start,
            window_end,
            now=now,
            exclude_appointment_id=exclude_appointment_id,
        )
    return compute_slots(
        schedule,
        SessionSpec.from_session_type(session_type),
        now=now,
        window_start=window_start,
        window_end=window_end,
    )


# --- Next available, for many specialists at once ----------------------------------------------


IDS_AS_PARAMETERS = 200


def next_available(
    specialists,
    *,
    now: dt.datetime,
    within: dt.timedelta = dt.timedelta(days=7),
) -> dict[int, tuple[Slot, int] | None]:
    """The first offered slot of each specialist within ``within`` from ``now``, for
    discovery lists ("next available this week").

    ``specialists`` is a queryset (e.g. ``access.bookable_specialists(brand)``): for up to
    ``IDS_AS_PARAMETERS`` of them the other queries take their ids, beyond that the
    queryset as a subquery, so a thousand ids never travel as parameters. Each
    specialist's shortest active session type decides (the most likely to fit). Returns
    ``{specialist_id: (slot, session_type_id) or None}``. Eight queries whatever the number
    of specialists; slots are computed a day at a time, so a specialist free tomorrow costs
    one day of work.
    """
    from hale.scheduling.models import (
        Appointment,
        BusyTime,
        DateOverride,
        OneOffSlot,
        SessionType,
        WeeklyRule,
    )
    from hale.scheduling.models import Break as BreakModel

    zones = list(specialists.values_list("pk", "time_zone", "user__time_zone"))
    result: dict[int, tuple[Slot, int] | None] = {pk: None for pk, _tz, _utz in zones}
    if not zones:
        return result
    # A page of specialists travels as its ids, so each read below walks its (specialist, …)
    # index; a long list stays a subquery (a thousand ids are not worth sending back).
    in_set = (
        [pk for pk, _tz, _utz in zones]
        if len(zones) <= IDS_AS_PARAMETERS
        else specialists.order_by().values("pk")
    )
    window_end = now + within
    margin = dt.timedelta(days=2)
    lo, hi = now - margin, window_end + margin
    first_day, last_day = (lo.date(), hi.date())

    sessions: dict[int, tuple[int, SessionSpec]] = {}
    for pk, spec_id, minutes, before, after, notice, horizon in (
        SessionType.objects.filter(specialist_id__in=in_set, is_active=True)
        .order_by("specialist_id", "duration_minutes", "pk")
        .values_list(
            "pk",
            "specialist_id",
            "duration_minutes",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "minimum_notice_minutes",
            "booking_horizon_days",
        )
    ):
        if spec_id not in sessions:
            sessions[spec_id] = (
                pk,
                SessionSpec(
                    duration=dt.timedelta(minutes=minutes),
                    buffer_before=dt.timedelta(minutes=before),
                    buffer_after=dt.timedelta(minutes=after),
                    minimum_notice=dt.timedelta(minutes=notice),
                    horizon=dt.timedelta(days=horizon),
                ),
            )
    if not sessions:
        return result
    schedules = {pk: Schedule(zone=first_zone(tz, user_tz)) for pk, tz, user_tz in zones}
    for spec_id, weekday, start, end in WeeklyRule.objects.filter(
        specialist_id__in=in_set
    ).values_list("specialist_id", "weekday", "start_time", "end_time"):
        schedules[spec_id].weekly.setdefault(weekday, []).append((start, end))
    for spec_id, on, kind, from_time, to_time in DateOverride.objects.filter(
        specialist_id__in=in_set, date__gte=first_day, date__lte=last_day
    ).values_list("specialist_id", "date", "kind", "start_time", "end_time"):
        schedule = schedules[spec_id]
        if from_time is None or to_time is None:  # a whole day off
            if kind != DateOverride.Kind.EXTRA:
                schedule.days_off.add(on)
        elif kind == DateOverride.Kind.EXTRA:
            schedule.extra.setdefault(on, []).append((from_time, to_time))
        else:
            schedule.time_off.setdefault(on, []).append((from_time, to_time))
    for spec_id, break_weekday, break_date, from_time, to_time in (
        BreakModel.objects.filter(specialist_id__in=in_set)
        .filter(models_q_breaks(first_day, last_day))
        .values_list("specialist_id", "weekday", "date", "start_time", "end_time")
    ):
        if break_weekday is not None:
            schedules[spec_id].weekly_breaks.setdefault(break_weekday, []).append(
                (from_time, to_time)
            )
        elif break_date is not None:
            schedules[spec_id].dated_breaks.setdefault(break_date, []).append((from_time, to_time))
    for spec_id, begins, ends in OneOffSlot.objects.filter(
        specialist_id__in=in_set, start__lt=hi, end__gt=lo
    ).values_list("specialist_id", "start", "end"):
        schedules[spec_id].one_off.append((begins, ends))
    for spec_id, begins, ends in BusyTime.objects.filter(
        specialist_id__in=in_set, start__lt=hi, end__gt=lo
    ).values_list("specialist_id", "start", "end"):
        schedules[spec_id].busy.append((begins, ends))
    for spec_id, begins, ends, before, after in (
        Appointment.objects.blocking(now)
        .filter(specialist_id__in=in_set)
        .overlapping(lo, hi)
        .values_list(
            "specialist_id", "start", "end", "buffer_before_minutes", "buffer_after_minutes"
        )
    ):
        schedules[spec_id].booked.append(
            Booked(begins, ends, dt.timedelta(minutes=before), dt.timedelta(minutes=after))
        )

    one_day = dt.timedelta(days=1)
    for spec_id, schedule in schedules.items():
        if spec_id not in sessions or not (schedule.weekly or schedule.extra or schedule.one_off):
            continue
        type_id, session = sessions[spec_id]
        window_from = max(now, now + session.minimum_notice - one_day)
        while window_from < window_end:
            window_to = min(window_from + one_day, window_end)
            found = compute_slots(
                schedule, session, now=now, window_start=window_from, window_end=window_to
            )
            if found:
                result[spec_id] = (found[0], type_id)
                break
            window_from = window_to
    return result
