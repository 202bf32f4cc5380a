"""Calendars outside Hale: the specialist's private ICS feed, and external calendars whose
events (busy times, stored in UTC) block the specialist's time."""

import uuid
from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core.encryption import EncryptedTextField


class BusyTime(models.Model):
    """Time the specialist is busy elsewhere (e.g. imported from an external calendar)."""

    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="busy_times"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    source = models.CharField(_("source"), max_length=64, blank=True)
    busy_source = models.ForeignKey(
        "BusySource", null=True, blank=True, on_delete=models.CASCADE, related_name="busy_times"
    )

    class Meta:
        ordering = ["specialist", "start"]
        verbose_name = _("busy time")
        verbose_name_plural = _("busy times")
        indexes = [models.Index(fields=["specialist", "start"], name="busy_start_idx")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class CalendarFeed(models.Model):
    """A private ICS subscription URL of a specialist's appointments.

    Only the SHA-256 of the random token is stored; the URL is shown once, when created.
    Rotating revokes the old feed and makes a new one. Feeds do not expire on their own
    (calendar apps poll them for years); revoking is how access ends.
    """

    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"Feed of {self.specialist_id} ({'revoked' if self.revoked_at else 'active'})"


class BusySource(models.Model):
    """An external calendar (ICS URL) whose events block the specialist's time.

    A task fetches it every ``FETCH_INTERVAL`` (``next_fetch_at``), replacing the source's
    ``BusyTime`` rows in one transaction. A failure is kept in ``last_error`` (shown to the
    specialist) and notified once per streak of failures (``failure_notified``).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="busy_sources"
    )
    name = models.CharField(_("name"), max_length=80)
    # A private calendar address is a secret (whoever has it reads the calendar): encrypted.
    url = EncryptedTextField(_("calendar address (ICS)"))
    created_at = models.DateTimeField(auto_now_add=True)
    next_fetch_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failure_notified = models.BooleanField(default=False)
    event_count = models.PositiveIntegerField(default=0)
    # "Import now": asked at, and the end of the last run (success or failure), for progress.
    import_requested_at = models.DateTimeField(null=True, blank=True)
    import_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["specialist", "name", "pk"]
        verbose_name = _("external calendar")
        verbose_name_plural = _("external calendars")
        indexes = [models.Index(fields=["next_fetch_at"], name="busysource_due_idx")]

    def __str__(self) -> str:
        return self.name

    def import_state(self) -> str:
        """ "queued" (asked for, no worker has started it), "running", or "idle"."""
        asked = self.import_requested_at
        if asked is None:
            return "idle"
        if self.last_fetched_at is None or self.last_fetched_at < asked:
            return "queued"
        if self.import_finished_at is None or self.import_finished_at < self.last_fetched_at:
            return "running"
        return "idle"

    def address_hint(self) -> str:
        """The calendar's host, to tell sources apart without showing the secret address."""
        return urlsplit(self.url).hostname or ""
