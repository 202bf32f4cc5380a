"""Background work for scheduling."""

from django.db import transaction
from django.utils import timezone

from hale.core.tasks import can_defer, retrying_task
from hale.scheduling.busy_sync import refresh_busy_source
from hale.scheduling.expiry import expire_availability_requests, expire_proposals
from hale.scheduling.models import BusySource
from hale.scheduling.reminders import reminder_moments, send_due_reminders


@retrying_task()
def expire_due_proposals() -> int:
    """Record expiry of proposals past ``expires_at`` and notify both sides (idempotent)."""
    return expire_proposals()


def schedule_expiry(expires_at) -> None:
    """After commit, ask the worker to run ``expire_due_proposals`` when a proposal expires.

    Backends that cannot defer (the inline backend of tests) skip it; the
    ``expire_proposals`` management command does the same job from cron.
    """

    def enqueue():
        if can_defer(expire_due_proposals):
            expire_due_proposals.using(run_after=expires_at).enqueue()

    transaction.on_commit(enqueue)


@retrying_task()
def expire_due_requests() -> int:
    """Record expiry of unanswered availability requests and notify both sides (idempotent)."""
    return expire_availability_requests()


def schedule_request_expiry(expires_at) -> None:
    """Like ``schedule_expiry``, for availability requests."""

    def enqueue():
        if can_defer(expire_due_requests):
            expire_due_requests.using(run_after=expires_at).enqueue()

    transaction.on_commit(enqueue)


@retrying_task()
def import_busy_source(source_id: int, force: bool = True) -> str:
    """Fetch one external calendar now, then schedule its next fetch.

    A broken feed is recorded on the source (no exception, so no retry storm); only an
    unexpected error (e.g. the database) raises and is retried. The chain re-enqueues itself
    with ``run_after``; a duplicate chain finds the source not yet due and stops.
    """
    outcome = refresh_busy_source(source_id=source_id, force=force)
    if outcome == "skipped":
        return outcome
    next_at = (
        BusySource.objects.filter(pk=source_id).values_list("next_fetch_at", flat=True).first()
    )
    if next_at is not None and can_defer(import_busy_source):
        import_busy_source.using(run_after=next_at).enqueue(source_id, force=False)
    return outcome


def refresh_due_busy_sources(now=None) -> dict[str, int]:
    """Fetch every external calendar that is due (the ``import_busy_times`` command)."""
    now = now or timezone.now()
    counts: dict[str, int] = {"ok": 0, "failed": 0, "skipped": 0}
    for pk in BusySource.objects.filter(next_fetch_at__lte=now).values_list("pk", flat=True):
        counts[refresh_busy_source(source_id=pk, now=now)] += 1
    return counts


@retrying_task()
def send_reminders() -> int:
    """Send the session reminders that are due (idempotent: see ``scheduling.reminders``)."""
    return send_due_reminders()


def schedule_reminders(appointment) -> None:
    """After commit, ask the worker to send ``appointment``'s reminders at their moments
    (backends that cannot defer rely on ``manage.py send_reminders`` from cron)."""
    moments = [m for m in reminder_moments(appointment) if m > timezone.now()]

    def enqueue():
        if can_defer(send_reminders):
            for moment in moments:
                send_reminders.using(run_after=moment).enqueue()

    transaction.on_commit(enqueue)
