"""Availability requests: a patient asks a specialist for times."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core.models import LapsingStatusMixin
from hale.scheduling.models.availability import SessionType
from hale.scheduling.windows import TimeWindow
from hale.scheduling.windows import parse as parse_windows
from hale.scheduling.windows import summary as summarise_windows


class AvailabilityRequestQuerySet(models.QuerySet):
    def open(self, now=None) -> "AvailabilityRequestQuerySet":
        """Requests still waiting for the specialist (expiry derived from ``expires_at``)."""
        return self.filter(
            status=AvailabilityRequest.Status.OPEN, expires_at__gt=now or timezone.now()
        )


class AvailabilityRequest(LapsingStatusMixin, models.Model):
    """A patient asks a specialist for times (none offered suit them, or the specialist leads
    scheduling). The specialist answers by proposing one or more times (the proposals link
    back here and the request becomes ANSWERED) or declines with a reason, within the brand's
    response window (``BookingPolicy.request_response_hours``). An OPEN request past
    ``expires_at`` *is* expired whether or not a worker stored it; the worker only records it
    and sends the notice (``expiry_notified_at`` keeps that once).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the specialist")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.PROTECT, related_name="availability_requests"
    )
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.PROTECT, related_name="availability_requests"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.PROTECT, related_name="availability_requests"
    )
    session_type = models.ForeignKey(
        SessionType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Days and time ranges (hale.scheduling.windows), read in ``preferred_zone``.
    preferred_windows = models.JSONField(_("preferred times"), default=list, blank=True)
    preferred_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Anything the ranges cannot say ("not the week of the 14th"); requests made before the
    # ranges existed keep their times here.
    preferred_times = models.TextField(_("notes about times"), blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    expires_at = models.DateTimeField(_("answer by"))
    decline_reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AvailabilityRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("availability request")
        verbose_name_plural = _("availability requests")
        indexes = [
            models.Index(fields=["specialist", "status", "expires_at"], name="avreq_spec_idx"),
            models.Index(fields=["patient", "created_at"], name="avreq_patient_idx"),
            models.Index(fields=["status", "expires_at"], name="avreq_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"Request {self.uuid} ({self.status})"

    def windows(self) -> list[TimeWindow]:
        return parse_windows(self.preferred_windows)

    def preferred_summary(self) -> str:
        """The times the patient asked for, as one line of text, notes included."""
        ranges = summarise_windows(self.windows(), self.preferred_zone)
        notes = " ".join(self.preferred_times.split())
        return " — ".join(part for part in (ranges, notes) if part)

    def effective_status(self, now=None) -> str:
        if self.status == self.Status.OPEN and self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.status

    @property
    def is_open(self) -> bool:
        return self.effective_status() == self.Status.OPEN
