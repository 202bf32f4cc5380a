"""Keeping a specialist's imported busy times in step with their external calendar (the
import task's work; see ``busy_import`` for fetching and parsing)."""

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.notifications.actions import notify
from hale.notifications.email import recipient_locale
from hale.notifications.kinds import PLATFORM
from hale.scheduling import busy_import
from hale.scheduling.models import BusySource, BusyTime, specialist_zone

logger = logging.getLogger(__name__)


def refresh_busy_source(*, source_id: int, force: bool = False, now=None) -> str:
    """Fetch one external calendar and replace its busy times (the task's job).

    Returns "ok", "failed", or "skipped" (not due yet — a duplicate run of the periodic
    chain, or the source is gone). Never raises for a broken or unreachable feed: the
    error is stored on the source and the specialist is told once per failure streak.
    """
    now = now or timezone.now()
    interval = busy_import.fetch_interval()
    # Claim the run: only one worker fetches a source per interval.
    due = BusySource.objects.filter(pk=source_id)
    if not force:
        due = due.filter(next_fetch_at__lte=now)
    if not due.update(next_fetch_at=now + interval, last_fetched_at=now):
        return "skipped"
    source = BusySource.objects.select_related("specialist__user").get(pk=source_id)
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
        locked.import_finished_at = timezone.now()
        locked.save(
            update_fields=[
                "last_success_at",
                "last_error",
                "failure_notified",
                "event_count",
                "import_finished_at",
            ]
        )
    return "ok"


def _record_busy_failure(source_id: int, error: str) -> str:
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
        source.import_finished_at = timezone.now()
        source.save(update_fields=["last_error", "failure_notified", "import_finished_at"])
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
