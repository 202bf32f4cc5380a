"""The specialist's calendars: the private ICS feed and external busy-time sources."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.core import audit
from hale.core.tasks import enqueue_on_commit
from hale.scheduling.actions.common import (
    check_own,
    lock_specialist,
)
from hale.scheduling.errors import SchedulingError
from hale.scheduling.models import (
    Appointment,
)
from hale.specialists.models import Specialist

logger = logging.getLogger(__name__)

Status = Appointment.Status


@transaction.atomic
def create_calendar_feed(*, specialist: Specialist, acting_user) -> str:
    """Revoke the specialist's current feed (if any) and make a new one. Returns the raw
    token, which is shown once and never stored (only its SHA-256 is)."""
    from hale.core.tokens import hash_token, new_token
    from hale.scheduling.models import CalendarFeed

    check_own(specialist, acting_user)
    lock_specialist(specialist)
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

    check_own(specialist, acting_user)
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

    check_own(specialist, acting_user)
    name = (name or "").strip()[:80] or _("External calendar")
    try:
        url = normalise_url(url)
    except ImportFailed as exc:
        raise SchedulingError(exc.message) from exc
    lock_specialist(specialist)
    if BusySource.objects.filter(specialist=specialist).count() >= MAX_BUSY_SOURCES:
        raise SchedulingError(_("You can import at most 5 external calendars."))
    source = BusySource.objects.create(
        specialist=specialist, name=name, url=url, import_requested_at=timezone.now()
    )
    audit.record(acting_user, "scheduling.busy_source_added", source)
    enqueue_on_commit(import_busy_source, source.pk)
    return source


@transaction.atomic
def request_busy_import(*, specialist: Specialist, acting_user, source_id) -> bool:
    """ "Import now": queue a fetch of one external calendar for the worker (the page shows its
    progress). A second click while one is queued or running queues nothing more."""
    from hale.scheduling.models import BusySource
    from hale.scheduling.tasks import import_busy_source

    check_own(specialist, acting_user)
    source = (
        BusySource.objects.select_for_update().filter(specialist=specialist, uuid=source_id).first()
    )
    if source is None:
        return False
    if source.import_state() != "idle":
        return True
    source.import_requested_at = timezone.now()
    source.save(update_fields=["import_requested_at"])
    audit.record(acting_user, "scheduling.busy_import_requested", source)
    enqueue_on_commit(import_busy_source, source.pk)
    return True


@transaction.atomic
def remove_busy_source(*, specialist: Specialist, acting_user, source_id) -> bool:
    """Remove an external calendar and its busy times."""
    from hale.scheduling.models import BusySource

    check_own(specialist, acting_user)
    deleted, _rows = BusySource.objects.filter(specialist=specialist, uuid=source_id).delete()
    if deleted:
        audit.record(
            acting_user, "scheduling.busy_source_removed", specialist, source=str(source_id)
        )
    return bool(deleted)
