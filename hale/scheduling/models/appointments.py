"""Appointments (stored in UTC) and the events of their status machine."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core.models import LapsingStatusMixin
from hale.scheduling.models.availability import SessionType
from hale.specialists.models import Modality

# No appointment lasts longer (sessions are at most 8 hours): lets "overlaps [lo, hi)" bound
# ``start`` on both sides, so the (specialist, start) index scans only the range asked for.
MAX_APPOINTMENT_SPAN = dt.timedelta(days=1)


class AppointmentQuerySet(models.QuerySet):
    def overlapping(self, lo: dt.datetime, hi: dt.datetime) -> "AppointmentQuerySet":
        """Appointments that overlap ``[lo, hi)``."""
        return self.filter(start__lt=hi, start__gt=lo - MAX_APPOINTMENT_SPAN, end__gt=lo)

    def blocking(self, now=None) -> "AppointmentQuerySet":
        """Appointments that hold the specialist's time: confirmed ones, and proposals and
        bookings held for payment that have not lapsed (worked out from ``expires_at``)."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Appointment.Status.CONFIRMED)
            | Q(status=Appointment.Status.PENDING_PAYMENT, expires_at__isnull=True)
            | Q(
                status__in=(Appointment.Status.PENDING_PAYMENT, Appointment.Status.PROPOSED),
                expires_at__gt=now,
            )
        )

    def upcoming(self, now=None) -> "AppointmentQuerySet":
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None) -> "AppointmentQuerySet":
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")


class Appointment(LapsingStatusMixin, models.Model):
    """A session between a patient (of one brand) and a specialist.

    Status machine: PROPOSED (by the specialist, until ``expires_at``) → CONFIRMED / DECLINED
    / EXPIRED (derived: a proposal past ``expires_at`` *is* expired whether or not a worker
    stored it); a patient's booking → CONFIRMED, or PENDING_PAYMENT while held for payment
    until ``expires_at`` (``hooks.booking_hold``) → CONFIRMED when paid, else EXPIRED (derived
    like a proposal's; the hold is stored as lapsed before anyone else books that time);
    CONFIRMED → CANCELLED, COMPLETED, NO_SHOW. Every transition goes through
    ``hale.scheduling.actions`` and writes an ``AppointmentEvent``.

    Session details (name, duration, modality, location, price) are snapshots taken at
    booking, so later edits of the session type do not change what was agreed.

    No double booking: two appointments of one specialist in BOOKED_STATUSES never overlap
    (a PostgreSQL exclusion constraint, migration 0002; on SQLite writers are serialised and
    the booking actions check inside the transaction). Unexpired proposals hold time too,
    checked by the actions under the specialist's row lock.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PENDING_PAYMENT = "pending_payment", _("Pending payment")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    BOOKED_STATUSES = ("pending_payment", "confirmed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.PROTECT, related_name="appointments"
    )
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.PROTECT, related_name="appointments"
    )
    session_type = models.ForeignKey(
        SessionType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_name = models.CharField(_("session"), max_length=120)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0)
    modality = models.CharField(_("modality"), max_length=16, choices=Modality.choices)
    location = models.CharField(_("location"), max_length=255, blank=True)
    price_minor = models.PositiveIntegerField(_("price"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    expires_at = models.DateTimeField(_("proposal expires"), null=True, blank=True)
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)
    cancelled_late = models.BooleanField(_("late cancellation"), default=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    availability_request = models.ForeignKey(
        "AvailabilityRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    clinic_notes = models.TextField(
        _("notes from the clinic"), blank=True, help_text=_("Shown to the patient.")
    )
    # Bumped on every change of time or status, for calendar files (ICS SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            # Slot computation and the specialist calendar: a specialist's appointments by time.
            models.Index(fields=["specialist", "start"], name="appt_specialist_start_idx"),
            # The patient's list: their appointments by time.
            models.Index(fields=["patient", "start"], name="appt_patient_start_idx"),
            models.Index(fields=["status", "expires_at"], name="appt_status_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appt_ends_after"),
            # What lets ``overlapping`` bound ``start`` from below.
            models.CheckConstraint(
                condition=Q(end__lte=models.F("start") + MAX_APPOINTMENT_SPAN),
                name="appt_at_most_a_day",
            ),
            models.CheckConstraint(
                condition=~Q(status="proposed") | Q(expires_at__isnull=False),
                name="appt_proposal_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_name} {self.start:%Y-%m-%d %H:%M} UTC ({self.status})"

    def effective_status(self, now=None) -> str:
        """The status as people see it: a proposal or a payment hold past its expiry is
        expired."""
        if (
            self.status in (self.Status.PROPOSED, self.Status.PENDING_PAYMENT)
            and self.expires_at is not None
            and self.expires_at <= (now or timezone.now())
        ):
            return self.Status.EXPIRED
        return self.status

    @property
    def is_open_proposal(self) -> bool:
        return self.effective_status() == self.Status.PROPOSED

    @property
    def is_booked(self) -> bool:
        return self.effective_status() in self.BOOKED_STATUSES

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class AppointmentEvent(models.Model):
    """One transition of an appointment: who, when, why, and the status before and after."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booked")
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("Marked as no-show")
        NOTES = "notes", _("Notes changed")
        CHANGED = "changed", _("Proposal changed")
        PAID = "paid", _("Paid and confirmed")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(
        cls, appointment, kind, *, actor, from_status="", reason="", **data
    ) -> "AppointmentEvent":
        """Write the event of a transition ``appointment`` just made (its status now is the
        status after)."""
        return cls.objects.create(
            appointment=appointment,
            kind=kind,
            from_status=from_status,
            to_status=appointment.status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason,
            data=data,
        )


class Reminder(models.Model):
    """A reminder sent for an appointment ``lead_minutes`` before the start it was about.

    The row is written in the same transaction as the notifications it stands for, and is
    unique per appointment, lead and start: a retried or duplicated task, or two workers,
    cannot send it twice, and a rescheduled session (a new start) is reminded afresh."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    lead_minutes = models.PositiveIntegerField()
    for_start = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "lead_minutes", "for_start"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"reminder {self.lead_minutes} min before {self.for_start:%Y-%m-%d %H:%M}"
