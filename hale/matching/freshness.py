"""Keep a specialist's ``MatchProfile`` fresh when their schedule changes.

Not a Django signal on purpose: the scheduling actions that change availability (weekly hours,
date overrides, breaks, one-off slots, bookings, cancellations, reschedules, accepted
proposals) call ``hale.scheduling.hooks.schedule_changed`` explicitly, which reaches
``schedule_changed`` here, and the refresh runs as a task after the transaction commits. The
task recomputes the profile from the database, so running it twice (or late) gives the same
result.
"""

from hale.core.tasks import enqueue_on_commit, retrying_task


@retrying_task()
def refresh_match_profile(specialist_id: int) -> int:
    """Recompute one specialist's match profile (idempotent; nothing for a specialist who is
    gone or no longer approved)."""
    from hale.matching.actions import refresh_match_profiles

    return refresh_match_profiles(specialist_ids=[specialist_id])


def schedule_changed(*, specialist_id: int) -> None:
    """Call inside the scheduling action's transaction; the refresh is queued on commit."""
    enqueue_on_commit(refresh_match_profile, specialist_id)
