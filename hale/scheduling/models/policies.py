"""Rules and defaults of scheduling: a brand's booking policy and a specialist's schedule
preferences."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hale.scheduling.models.availability import SessionType


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

    remind_day_before = models.BooleanField(
        _("remind 24 hours before"),
        default=True,
        help_text=_("Patients and specialists are reminded a day before each session."),
    )
    remind_hour_before = models.BooleanField(
        _("remind 1 hour before"),
        default=True,
        help_text=_("Patients and specialists are reminded an hour before each session."),
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")

    def __str__(self) -> str:
        return f"{self.brand}: {self.cancellation_notice_hours} h"


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

    class WeekStart(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    week_starts_on = models.PositiveSmallIntegerField(
        _("weeks start on"), choices=WeekStart.choices, default=WeekStart.MONDAY
    )
    DEFAULT_DAY_START, DEFAULT_DAY_END = 7, 21
    day_starts_at = models.PositiveSmallIntegerField(
        _("calendar days show from (hour)"),
        default=DEFAULT_DAY_START,
        validators=[MaxValueValidator(23)],
    )
    day_ends_at = models.PositiveSmallIntegerField(
        _("calendar days show until (hour)"),
        default=DEFAULT_DAY_END,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Sessions and open hours outside these hours are still shown."),
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
