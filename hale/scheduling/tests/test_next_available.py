"""next_available: the first free slot of many specialists in a constant number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hale.scheduling import actions
from hale.scheduling.slots import next_available, offered_slots
from hale.specialists.models import Specialist


def test_next_available_matches_offered_slots_in_constant_queries(
    open_specialist, session_type, specialist_2, patient_a, book
):
    book(patient_a, open_specialist, session_type, days_ahead=0)
    now = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        found = next_available(Specialist.objects.all(), now=now)
    assert len(ctx.captured_queries) <= 8
    slot, type_id = found[open_specialist.pk]
    expected = offered_slots(
        open_specialist,
        session_type,
        window_start=now,
        window_end=now + dt.timedelta(days=7),
        now=now,
    )[0]
    assert (slot, type_id) == (expected, session_type.pk)
    assert found[specialist_2.pk] is None  # no hours, no session types
    # A second specialist with hours: still the same number of queries.
    for weekday in range(7):
        actions.add_weekly_rule(
            specialist=specialist_2,
            acting_user=specialist_2.user,
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
    actions.save_session_type(
        specialist=specialist_2,
        acting_user=specialist_2.user,
        values={"name": "Check-in", "duration_minutes": 25, "minimum_notice_minutes": 60},
    )
    with CaptureQueriesContext(connection) as ctx2:
        found = next_available(Specialist.objects.all(), now=now)
    assert len(ctx2.captured_queries) == len(ctx.captured_queries)
    assert found[specialist_2.pk] is not None
