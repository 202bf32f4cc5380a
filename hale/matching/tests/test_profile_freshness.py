import datetime as dt

import pytest
from django.utils import timezone

from hale.matching.freshness import refresh_match_profile
from hale.matching.models import MatchProfile
from hale.matching.tests.conftest import open_hours, session_type
from hale.scheduling import actions as scheduling_actions
from hale.scheduling.models import DateOverride, WeeklyRule
from hale.scheduling.slots import offered_slots

pytestmark = pytest.mark.django_db


def test_adding_weekly_hours_refreshes_the_match_profile_after_commit(
    specialist, django_capture_on_commit_callbacks
):
    session_type(specialist)
    assert not MatchProfile.objects.filter(specialist=specialist).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        scheduling_actions.add_weekly_rule(
            specialist=specialist,
            acting_user=specialist.user,
            weekday=timezone.now().weekday(),
            start_time=dt.time(0),
            end_time=dt.time(23, 59),
        )
    assert len(callbacks) >= 1
    profile = MatchProfile.objects.get(specialist=specialist)
    assert profile.utc_parts_mask != 0


def test_time_off_and_removal_refresh_next_available(
    specialist, django_capture_on_commit_callbacks
):
    open_hours(specialist)
    session_type(specialist)
    refresh_match_profile.call(specialist.pk)
    before = MatchProfile.objects.get(specialist=specialist).next_available_at
    assert before is not None
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        for offset in range(0, 30):
            scheduling_actions.add_date_override(
                specialist=specialist,
                acting_user=specialist.user,
                date=today + dt.timedelta(days=offset),
                kind=DateOverride.Kind.DAY_OFF,
            )
    after = MatchProfile.objects.get(specialist=specialist).next_available_at
    assert after is None or after > before
    with django_capture_on_commit_callbacks(execute=True):
        for rule in WeeklyRule.objects.filter(specialist=specialist):
            scheduling_actions.remove_availability_item(
                specialist=specialist, acting_user=specialist.user, kind="weekly", item_id=rule.pk
            )
    assert MatchProfile.objects.get(specialist=specialist).utc_parts_mask == 0


def test_booking_and_cancelling_queue_a_refresh(
    listed, specialist, patient_a, django_capture_on_commit_callbacks
):
    st = specialist.session_types.get()
    now = timezone.now()
    slot = offered_slots(
        specialist, st, window_start=now, window_end=now + dt.timedelta(days=3), now=now
    )[0]
    with django_capture_on_commit_callbacks(execute=True):
        appointment = scheduling_actions.book_appointment(
            patient=patient_a,
            specialist=specialist,
            session_type=st,
            start=slot.start,
            acting_user=patient_a.user,
        )
    profile = MatchProfile.objects.get(specialist=specialist)
    assert profile.active_patients == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scheduling_actions.cancel_appointment(
            appointment=appointment, acting_user=patient_a.user, reason="Sorry"
        )
    assert callbacks, "cancelling queues the refresh on commit"


def test_the_refresh_task_is_idempotent_and_ignores_missing_specialists(specialist):
    open_hours(specialist)
    session_type(specialist)
    refresh_match_profile.call(specialist.pk)
    first = MatchProfile.objects.values().get(specialist=specialist)
    refresh_match_profile.call(specialist.pk)
    second = MatchProfile.objects.values().get(specialist=specialist)
    first.pop("refreshed_at"), second.pop("refreshed_at")
    assert first == second
    assert MatchProfile.objects.count() == 1
    refresh_match_profile.call(999_999)
    assert MatchProfile.objects.count() == 1
