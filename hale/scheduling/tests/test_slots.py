"""The pure slot engine: local rules → UTC slots, DST, buffers, notice, horizon."""

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from hale.scheduling.slots import (
    Booked,
    Schedule,
    SessionSpec,
    compute_slots,
    group_by_local_day,
    local_to_utc,
    merge,
    subtract,
)

UTC = dt.UTC
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
HOUR = dt.timedelta(hours=1)


def t(h, m=0):
    return dt.time(h, m)


def every_day(start, end):
    return {d: [(start, end)] for d in range(7)}


def slots_on(schedule, session, day_utc_start, days=1, now=None):
    window_start = day_utc_start
    return compute_slots(
        schedule,
        session,
        now=now or window_start - dt.timedelta(days=30),
        window_start=window_start,
        window_end=window_start + dt.timedelta(days=days),
    )


def local_starts(slots, zone):
    return [s.start.astimezone(zone).strftime("%H:%M") for s in slots]


SIXTY = SessionSpec(duration=HOUR, horizon=dt.timedelta(days=365))


# --- local_to_utc ------------------------------------------------------------------------------


def test_non_existent_spring_time_moves_to_the_end_of_the_gap():
    assert local_to_utc(dt.date(2026, 3, 29), t(2, 30), MADRID) == dt.datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )
    assert local_to_utc(dt.date(2026, 3, 8), t(2, 0), NEW_YORK) == dt.datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )


def test_ambiguous_autumn_time_means_its_first_occurrence():
    assert local_to_utc(dt.date(2026, 10, 25), t(2, 30), MADRID) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert local_to_utc(dt.date(2026, 11, 1), t(1, 30), NEW_YORK) == dt.datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


# --- DST: the specialist's wall clock is kept on both sides of the change -----------------------


def test_madrid_spring_change_keeps_local_hours():
    schedule = Schedule(zone=MADRID, weekly=every_day(t(9), t(12)))
    before = slots_on(schedule, SIXTY, dt.datetime(2026, 3, 28, 0, tzinfo=UTC))
    after = slots_on(schedule, SIXTY, dt.datetime(2026, 3, 30, 0, tzinfo=UTC))
    assert local_starts(before, MADRID) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert local_starts(after, MADRID) == local_starts(before, MADRID)
    assert before[0].start.hour == 8  # UTC+1
    assert after[0].start.hour == 7  # UTC+2


def test_madrid_autumn_change_keeps_local_hours():
    schedule = Schedule(zone=MADRID, weekly=every_day(t(9), t(11)))
    before = slots_on(schedule, SIXTY, dt.datetime(2026, 10, 24, 0, tzinfo=UTC))
    after = slots_on(schedule, SIXTY, dt.datetime(2026, 10, 26, 0, tzinfo=UTC))
    assert [s.start.hour for s in before][:1] == [7]
    assert [s.start.hour for s in after][:1] == [8]
    assert (
        local_starts(before, MADRID)
        == local_starts(after, MADRID)
        == [
            "09:00",
            "09:30",
            "10:00",
        ]
    )


def test_rule_across_the_spring_gap_skips_non_existent_times():
    # 01:00–05:00 on the night clocks jump 02:00 → 03:00: three real hours.
    schedule = Schedule(zone=MADRID, weekly=every_day(t(1), t(5)))
    slots = slots_on(schedule, SIXTY, dt.datetime(2026, 3, 28, 23, tzinfo=UTC), days=0.5)
    starts = local_starts(slots, MADRID)
    assert "02:00" not in starts and "02:30" not in starts
    assert starts[0] == "01:00" and starts[-1] == "04:00"
    assert all(s.end - s.start == HOUR for s in slots)


def test_rule_across_the_autumn_repeat_is_deterministic():
    # New York, 2026-11-01: 01:00–02:00 happens twice; 00:00–03:00 is four real hours.
    schedule = Schedule(zone=NEW_YORK, weekly=every_day(t(0), t(3)))
    window = dt.datetime(2026, 11, 1, 4, tzinfo=UTC)
    first = slots_on(schedule, SIXTY, window, days=0.5)
    second = slots_on(schedule, SIXTY, window, days=0.5)
    assert first == second
    assert first[0].start == dt.datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    assert first[-1].end == dt.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # 03:00 EST


def test_new_york_spring_and_autumn_seen_from_madrid():
    schedule = Schedule(zone=NEW_YORK, weekly=every_day(t(9), t(10)))
    # Between the US change (8 March) and the EU change (29 March) the gap is 5 h, not 6.
    march_10 = slots_on(schedule, SIXTY, dt.datetime(2026, 3, 10, 0, tzinfo=UTC))
    march_5 = slots_on(schedule, SIXTY, dt.datetime(2026, 3, 5, 0, tzinfo=UTC))
    assert local_starts(march_10, NEW_YORK) == local_starts(march_5, NEW_YORK) == ["09:00"]
    assert local_starts(march_5, MADRID) == ["15:00"]
    assert local_starts(march_10, MADRID) == ["14:00"]
    # Between the EU change (25 Oct) and the US change (1 Nov) the gap is also 5 h.
    october_28 = slots_on(schedule, SIXTY, dt.datetime(2026, 10, 28, 0, tzinfo=UTC))
    assert local_starts(october_28, MADRID) == ["14:00"]
    november_3 = slots_on(schedule, SIXTY, dt.datetime(2026, 11, 3, 0, tzinfo=UTC))
    assert local_starts(november_3, MADRID) == ["15:00"]


def test_kolkata_half_hour_offset():
    schedule = Schedule(zone=KOLKATA, weekly=every_day(t(10), t(12)))
    slots = slots_on(schedule, SIXTY, dt.datetime(2026, 3, 29, 0, tzinfo=UTC))
    assert local_starts(slots, KOLKATA) == ["10:00", "10:30", "11:00"]
    assert slots[0].start == dt.datetime(2026, 3, 29, 4, 30, tzinfo=UTC)
    # Seen from Madrid the same morning (after Madrid's change, +02:00): 06:30.
    assert local_starts(slots, MADRID)[0] == "06:30"
    # A New York patient sees them on the previous local evening / night.
    days = group_by_local_day(slots, NEW_YORK)
    assert [d for d, _s in days] == [dt.date(2026, 3, 29)]
    assert local_starts(slots, NEW_YORK)[0] == "00:30"


# --- Overrides, breaks, one-off ---------------------------------------------------------------


def test_day_off_extra_hours_breaks_and_one_off():
    day = dt.date(2026, 6, 1)  # Monday
    schedule = Schedule(
        zone=MADRID,
        weekly={0: [(t(9), t(13))], 1: [(t(9), t(13))]},
        weekly_breaks={0: [(t(11), t(12))]},
        days_off={dt.date(2026, 6, 2)},
        extra={dt.date(2026, 6, 3): [(t(16), t(18))]},
        dated_breaks={dt.date(2026, 6, 3): [(t(17), t(18))]},
        one_off=[(dt.datetime(2026, 6, 4, 8, tzinfo=UTC), dt.datetime(2026, 6, 4, 9, tzinfo=UTC))],
    )
    start = dt.datetime.combine(day, t(0), tzinfo=MADRID).astimezone(UTC)
    slots = slots_on(schedule, SIXTY, start, days=4)
    by_day = {d: local_starts(s, MADRID) for d, s in group_by_local_day(slots, MADRID)}
    assert by_day[dt.date(2026, 6, 1)] == ["09:00", "09:30", "10:00", "12:00"]
    assert dt.date(2026, 6, 2) not in by_day
    assert by_day[dt.date(2026, 6, 3)] == ["16:00"]
    assert by_day[dt.date(2026, 6, 4)] == ["10:00"]


def test_partial_time_off():
    schedule = Schedule(
        zone=MADRID,
        weekly=every_day(t(9), t(12)),
        time_off={dt.date(2026, 6, 1): [(t(9), t(11))]},
    )
    start = dt.datetime(2026, 5, 31, 22, tzinfo=UTC)
    assert local_starts(slots_on(schedule, SIXTY, start), MADRID) == ["11:00"]


def test_appointments_with_buffers_block_slots():
    schedule = Schedule(
        zone=UTC,
        weekly=every_day(t(9), t(17)),
        booked=[
            Booked(
                dt.datetime(2026, 6, 1, 12, tzinfo=UTC),
                dt.datetime(2026, 6, 1, 13, tzinfo=UTC),
                buffer_after=dt.timedelta(minutes=15),
            )
        ],
        busy=[
            (dt.datetime(2026, 6, 1, 15, tzinfo=UTC), dt.datetime(2026, 6, 1, 15, 30, tzinfo=UTC))
        ],
    )
    session = SessionSpec(
        duration=HOUR, buffer_before=dt.timedelta(minutes=10), horizon=dt.timedelta(days=400)
    )
    starts = local_starts(slots_on(schedule, session, dt.datetime(2026, 6, 1, tzinfo=UTC)), UTC)
    assert starts == ["09:00", "09:30", "10:00", "10:30", "11:00", "13:30", "14:00", "16:00"]


def test_minimum_notice_and_horizon():
    schedule = Schedule(zone=UTC, weekly=every_day(t(9), t(17)))
    now = dt.datetime(2026, 6, 1, 9, 10, tzinfo=UTC)
    session = SessionSpec(
        duration=HOUR, minimum_notice=dt.timedelta(hours=2), horizon=dt.timedelta(days=1)
    )
    slots = compute_slots(
        schedule,
        session,
        now=now,
        window_start=now - dt.timedelta(days=1),
        window_end=now + dt.timedelta(days=5),
    )
    assert slots[0].start == dt.datetime(2026, 6, 1, 11, 30, tzinfo=UTC)
    assert slots[-1].start <= now + dt.timedelta(days=1)
    assert slots[-1].start.date() == dt.date(2026, 6, 2)


def test_subtract_and_merge():
    d = dt.datetime(2026, 1, 1, tzinfo=UTC)

    def iv(a, b):
        return (d + a * HOUR, d + b * HOUR)

    assert merge([iv(3, 4), iv(1, 2), iv(2, 3)]) == [iv(1, 4)]
    assert subtract([iv(0, 10)], [iv(1, 2), iv(4, 5), iv(9, 12)]) == [iv(0, 1), iv(2, 4), iv(5, 9)]
    assert subtract([iv(0, 1), iv(2, 3)], [iv(0, 3)]) == []


# --- Properties -----------------------------------------------------------------------------

ZONES = st.sampled_from(
    ["Europe/Madrid", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"]
)
minutes = st.integers(min_value=0, max_value=23 * 60 + 30)


@st.composite
def scenarios(draw):
    zone = zoneinfo.ZoneInfo(draw(ZONES))
    weekly = {}
    for weekday in range(7):
        pairs = []
        for _ in range(draw(st.integers(0, 2))):
            a = draw(minutes)
            b = draw(st.integers(min_value=a + 15, max_value=24 * 60 - 1))
            pairs.append((t(a // 60, a % 60), t(b // 60, b % 60)))
        weekly[weekday] = pairs
    # Around the 2026 DST changes of Europe and the US.
    base = draw(
        st.sampled_from(
            [
                dt.datetime(2026, 3, 6, tzinfo=UTC),
                dt.datetime(2026, 3, 26, tzinfo=UTC),
                dt.datetime(2026, 10, 22, tzinfo=UTC),
                dt.datetime(2026, 10, 30, tzinfo=UTC),
            ]
        )
    )
    booked = []
    for _ in range(draw(st.integers(0, 12))):
        start = base + dt.timedelta(minutes=draw(st.integers(0, 6 * 24 * 60)))
        length = dt.timedelta(minutes=draw(st.sampled_from([15, 30, 50, 60, 90])))
        booked.append(
            Booked(
                start,
                start + length,
                dt.timedelta(minutes=draw(st.sampled_from([0, 5, 15]))),
                dt.timedelta(minutes=draw(st.sampled_from([0, 10, 30]))),
            )
        )
    session = SessionSpec(
        duration=dt.timedelta(minutes=draw(st.sampled_from([20, 30, 45, 50, 60]))),
        buffer_before=dt.timedelta(minutes=draw(st.sampled_from([0, 5, 15]))),
        buffer_after=dt.timedelta(minutes=draw(st.sampled_from([0, 10]))),
        minimum_notice=dt.timedelta(hours=draw(st.integers(0, 48))),
        horizon=dt.timedelta(days=draw(st.integers(1, 10))),
    )
    now = base + dt.timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    return Schedule(zone=zone, weekly=weekly, booked=booked), session, now, base


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_slots_respect_availability_appointments_buffers_and_notice(scenario):
    schedule, session, now, base = scenario
    window_end = base + dt.timedelta(days=7)
    slots = compute_slots(schedule, session, now=now, window_start=base, window_end=window_end)
    zone = schedule.zone
    for slot in slots:
        assert slot.end - slot.start == session.duration
        assert slot.start >= now + session.minimum_notice
        assert slot.start <= now + session.horizon
        assert base <= slot.start < window_end
        # Inside the specialist's weekly hours, on one local day, as wall-clock times.
        local_start = slot.start.astimezone(zone)
        rules = []
        for offset in (0, -1):
            day = local_start.date() + dt.timedelta(days=offset)
            for a, b in schedule.weekly.get(day.weekday(), []):
                rules.append((local_to_utc(day, a, zone), local_to_utc(day, b, zone)))
        inside = any(a <= slot.start and slot.end <= b for a, b in merge(rules))
        assert inside, (slot, local_start)
        # Never overlapping an appointment with either side's buffers.
        for booked in schedule.booked:
            padded_start = slot.start - session.buffer_before
            padded_end = slot.end + session.buffer_after
            assert not (padded_start < booked.end and booked.start < padded_end)
            assert not (
                slot.start < booked.end + booked.buffer_after
                and booked.start - booked.buffer_before < slot.end
            )
    assert slots == sorted(slots, key=lambda s: s.start)
    assert len({s.start for s in slots}) == len(slots)


def test_a_window_starting_mid_afternoon_keeps_the_grid_of_the_day():
    schedule = Schedule(zone=UTC, weekly=every_day(t(9), t(17)))
    session = SessionSpec(duration=dt.timedelta(minutes=50), horizon=dt.timedelta(days=400))
    window = dt.datetime(2026, 6, 1, 14, 10, tzinfo=UTC)
    slots = compute_slots(
        schedule,
        session,
        now=window - dt.timedelta(days=1),
        window_start=window,
        window_end=window + HOUR * 2,
    )
    assert local_starts(slots, UTC) == ["14:30", "15:00", "15:30", "16:00"]
