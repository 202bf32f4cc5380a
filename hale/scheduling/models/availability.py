"""What a specialist offers and when: session types, weekly hours, date overrides, breaks and
one-off availability.

Weekly hours, overrides and breaks are *local wall-clock times in the specialist's zone*
(``specialist_zone``); one-off slots are UTC instants.
"""

import uuid
import zoneinfo

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hale.core.zones import first_zone
from hale.specialists.models import Modality

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Enter a three-letter ISO currency code."))


def specialist_zone(specialist) -> zoneinfo.ZoneInfo:
    """The zone a specialist's availability is written in: the profile's zone, else the
    account's, else UTC."""
    return first_zone(specialist.time_zone, getattr(specialist.user, "time_zone", ""))


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
