"""Scheduling: session types, availability, appointments and their history.

Times of availability (weekly rules, date overrides, breaks) are *local wall-clock times in the
specialist's zone*; the slot engine (``hale.scheduling.slots``) turns them into UTC instants
day by day, so DST is right. Appointments, one-off slots and busy times are stored in UTC.
"""

import datetime as dt
import uuid
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core.encryption import EncryptedTextField
from hale.core.models import LapsingStatusMixin
from hale.scheduling.windows import TimeWindow
from hale.scheduling.windows import parse as parse_windows
from hale.scheduling.windows import summary as summarise_windows
from hale.specialists.models import Modality

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Enter a three-letter ISO currency code."))


def specialist_zone(specialist) -> zoneinfo.ZoneInfo:
    """The zone a specialist's availability is written in: the profile's zone, else the
    account's, else UTC."""
    for name in (specialist.time_zone, getattr(specialist.user, "time_zone", "")):
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SessionType(models.Model):
    """A kind of session a specialist offers: how long, how much, how, and booking rules.

    ``price_minor``/``currency`` is the specialist's default price. The price a patient pays
    is worked out by ``hale.scheduling.pricing.session_price(session_type, brand)``: the seam
    where a brand's listing price overrides it (the ``price_override`` hook).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="session_types"
    )
    name = models.CharField(_("name"), max_length=120)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    price_minor = models.PositiveIntegerField(
        _("price (in cents)"), default=0, help_text=_("In the currency's smallest unit.")
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_code]
    )
    modality = models.CharField(
        _("modality"), max_length=16, choices=Modality.choices, default=Modality.VIDEO
    )
    location = models.CharField(
        _("location"), max_length=255, blank=True, help_text=_("Address for in-person sessions.")
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("buffer before (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    minimum_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=12 * 60,
        validators=[MaxValueValidator(60 * 24 * 60)],
        help_text=_("How long before the start patients may book at the latest."),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How far ahead patients may book."),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["specialist", "duration_minutes", "name", "pk"]
        verbose_name = _("session type")
        verbose_name_plural = _("session types")
        constraints = [
            models.CheckConstraint(
                condition=~Q(modality="in_person") | ~Q(location=""),
                name="session_type_in_person_has_location",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"

    @property
    def default_price(self):
        from hale.scheduling.pricing import Price

        return Price(self.price_minor, self.currency)


class WeeklyRule(models.Model):
    """Recurring weekly working hours, as local times in the specialist's zone."""

    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="weekly_rules"
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["specialist", "weekday", "start_time"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="weekly_rule_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class DateOverride(models.Model):
    """A change to one local date: extra hours, or time off (the whole day when no times)."""

    class Kind(models.TextChoices):
        EXTRA = "extra", _("Extra hours")
        DAY_OFF = "day_off", _("Time off")

    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="date_overrides"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["specialist", "date", "start_time"]
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        indexes = [models.Index(fields=["specialist", "date"], name="override_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(start_time__isnull=True, end_time__isnull=True, kind="day_off")
                    | Q(end_time__gt=models.F("start_time"))
                ),
                name="override_times_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.get_kind_display()}"

    @property
    def is_whole_day(self) -> bool:
        return self.start_time is None


class Break(models.Model):
    """A pause inside working hours: every week on a weekday, or on one date (local times)."""

    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="breaks"
    )
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=Weekday.choices, null=True, blank=True
    )
    date = models.DateField(_("date"), null=True, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["specialist", "weekday", "date", "start_time"]
        verbose_name = _("break")
        verbose_name_plural = _("breaks")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__isnull=True, date__isnull=False)
                | Q(weekday__isnull=False, date__isnull=True),
                name="break_weekly_or_dated",
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="break_ends_after"
            ),
        ]

    def __str__(self) -> str:
        when = self.get_weekday_display() if self.weekday is not None else str(self.date)
        return f"{when} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class OneOffSlot(models.Model):
    """Availability added by hand for one occasion (UTC instants)."""

    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="one_off_slots"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["specialist", "start"]
        verbose_name = _("one-off availability")
        verbose_name_plural = _("one-off availability")
        indexes = [models.Index(fields=["specialist", "start"], name="oneoff_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="oneoff_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


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


class BookingPolicy(models.Model):
    """A brand's rules for patients changing their bookings (defaults apply without a row)."""

    DEFAULT_CANCELLATION_NOTICE_HOURS = 24

    brand = models.OneToOneField(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="booking_policy"
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        _("cancellation notice (hours)"),
        default=DEFAULT_CANCELLATION_NOTICE_HOURS,
        help_text=_(
            "Cancelling later than this before the start is recorded as a late cancellation; "
            "rescheduling later than this is not possible."
        ),
    )
    DEFAULT_REQUEST_RESPONSE_HOURS = 48

    request_response_hours = models.PositiveSmallIntegerField(
        _("availability request response window (hours)"),
        default=DEFAULT_REQUEST_RESPONSE_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("How long specialists have to answer a patient's availability request."),
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")

    def __str__(self) -> str:
        return f"{self.brand}: {self.cancellation_notice_hours} h"


# No appointment lasts longer (sessions are at most 8 hours): lets "overlaps [lo, hi)" bound
# ``start`` on both sides, so the (specialist, start) index scans only the range asked for.
MAX_APPOINTMENT_SPAN = dt.timedelta(days=1)


class AppointmentQuerySet(models.QuerySet):
    def overlapping(self, lo: dt.datetime, hi: dt.datetime) -> "AppointmentQuerySet":
        """Appointments that overlap ``[lo, hi)``."""
        return self.filter(start__lt=hi, start__gt=lo - MAX_APPOINTMENT_SPAN, end__gt=lo)

    def blocking(self, now=None) -> "AppointmentQuerySet":
        """Appointments that hold the specialist's time: booked ones, and proposals that
        have not expired (expiry worked out from ``expires_at``)."""
        now = now or timezone.now()
        return self.filter(
            Q(status__in=Appointment.BOOKED_STATUSES)
            | Q(status=Appointment.Status.PROPOSED, expires_at__gt=now)
        )

    def upcoming(self, now=None) -> "AppointmentQuerySet":
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None) -> "AppointmentQuerySet":
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")


class Appointment(LapsingStatusMixin, models.Model):
    """A session between a patient (of one brand) and a specialist.

    Status machine: PROPOSED (by the specialist, until ``expires_at``) → CONFIRMED / DECLINED
    / EXPIRED (derived: a proposal past ``expires_at`` *is* expired whether or not a worker
    stored it); a patient's booking → CONFIRMED (PENDING_PAYMENT once payments exist: the
    payments issue sets it in ``book_appointment``); CONFIRMED → CANCELLED, COMPLETED,
    NO_SHOW. Every transition goes through ``hale.scheduling.actions`` and writes an
    ``AppointmentEvent``.

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
        """The status as people see it: a proposal past its expiry is expired."""
        if (
            self.status == self.Status.PROPOSED
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
        return self.status in self.BOOKED_STATUSES

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


class SchedulePreferences(models.Model):
    """A specialist's scheduling defaults: the calendar's first view, what a new proposal
    starts with, and whether their calendar feed names patients."""

    class View(models.TextChoices):
        DAY = "day", _("Day")
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    DEFAULT_EXPIRY_HOURS = 48

    specialist = models.OneToOneField(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="schedule_preferences"
    )
    calendar_view = models.CharField(
        _("calendar opens in"), max_length=8, choices=View.choices, default=View.WEEK
    )
    proposal_expiry_hours = models.PositiveSmallIntegerField(
        _("patients answer proposals within (hours)"),
        default=DEFAULT_EXPIRY_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
    )
    default_session_type = models.ForeignKey(
        SessionType,
        verbose_name=_("default session type for proposals"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feed_shows_patient_names = models.BooleanField(
        _("show patient names in my calendar feed"),
        default=False,
        help_text=_(
            "Off: events read “Session (video)”. Your calendar provider stores what the feed "
            "contains."
        ),
    )

    class Meta:
        verbose_name = _("schedule preferences")
        verbose_name_plural = _("schedule preferences")

    def __str__(self) -> str:
        return f"Preferences of {self.specialist_id}"


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
