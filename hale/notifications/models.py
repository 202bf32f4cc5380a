import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import CHANNEL_CHOICES, PORTAL_CHOICES


class Notification(models.Model):
    """One in-app notification for a user, shown in the notification centre of one portal.

    A PATIENT notification belongs to one brand and only shows on that brand's host; a
    PLATFORM notification shows on the platform host (``brand`` may then name the brand it is
    about). Title and body are stored already rendered in the recipient's language.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    brand = models.ForeignKey(
        "tenancy.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    portal = models.CharField(_("portal"), max_length=16, choices=PORTAL_CHOICES)
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The centre's list: one user's notifications on one portal, newest first.
            models.Index(fields=["user", "portal", "brand", "-created_at"], name="notif_list_idx"),
            # The bell's unread count (a partial index stays small: most rows are read).
            models.Index(
                fields=["user", "portal", "brand"],
                condition=Q(read_at__isnull=True),
                name="notif_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A user's explicit choice for one kind on one channel. Without a row, the kind's
    default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=CHANNEL_CHOICES)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="one_pref_per_user_kind_channel"
            )
        ]

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"{self.user} {self.kind}/{self.channel}: {state}"


class EmailDelivery(models.Model):
    """One notification email owed to a user: the unit of work of the email task.

    It records the sent state, so a task that runs twice (a retry, a duplicate enqueue)
    sends the email once. ``claimed_until`` marks a send in progress so two workers do not
    send at the same time; a crashed worker's claim simply expires.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(
        "tenancy.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    portal = models.CharField(max_length=16, choices=PORTAL_CHOICES)
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user} ({self.status})"


class Announcement(models.Model):
    """A message brand staff sent to every patient of the brand who has an account."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="announcements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["brand", "-created_at"], name="announce_brand_idx")]

    def __str__(self) -> str:
        return self.title


class OutboxEmail(models.Model):
    """A copy of an email sent through the dev outbox backend, listed at /dev/outbox/ in
    debug mode so sign-in links and codes can be followed without a mail server."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_email = models.CharField(_("from"), max_length=320, blank=True)
    to = models.TextField(_("to"))
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    text = models.TextField(_("text body"), blank=True)
    html = models.TextField(_("HTML body"), blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
