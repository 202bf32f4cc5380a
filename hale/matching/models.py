import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BrandMatching(models.Model):
    """A brand's discovery rules kept by this app: the brand-fixed price (used when the
    brand's ``pricing_mode`` is *brand*) and the switching rule for care relationships."""

    class Switching(models.TextChoices):
        FREE = "free", _("Switch freely")
        NO_UPCOMING = "no_upcoming", _("Not while appointments are upcoming")

    brand = models.OneToOneField(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="matching_settings"
    )
    fixed_price_minor = models.PositiveIntegerField(
        _("brand-fixed price (cents)"), null=True, blank=True
    )
    fixed_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    switching_rule = models.CharField(
        _("switching rule"), max_length=16, choices=Switching.choices, default=Switching.FREE
    )

    class Meta:
        verbose_name = _("brand matching settings")
        verbose_name_plural = _("brand matching settings")

    def __str__(self) -> str:
        return f"{self.brand_id}: {self.switching_rule}"


class Listing(models.Model):
    """A specialist offered on one brand. Only approved specialists with a *listed* listing
    appear on (and can be booked through) that brand. ``price_minor`` overrides the session
    types' prices there when the brand lets specialists set prices."""

    class Visibility(models.TextChoices):
        LISTED = "listed", _("Listed")
        HIDDEN = "hidden", _("Hidden")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="listings"
    )
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="listings")
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.LISTED
    )
    price_minor = models.PositiveIntegerField(_("price (cents)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.UniqueConstraint(fields=["brand", "specialist"], name="listing_unique_brand")
        ]
        indexes = [models.Index(fields=["brand", "visibility"], name="listing_brand_vis_idx")]

    def __str__(self) -> str:
        return f"{self.specialist_id} on {self.brand_id} ({self.visibility})"

    @property
    def price_label(self) -> str:
        """The override as an amount (the session types' currency applies)."""
        if self.price_minor is None:
            return ""
        return f"{self.price_minor // 100}.{self.price_minor % 100:02d}"

    @property
    def is_listed(self) -> bool:
        return self.visibility == self.Visibility.LISTED


class MatchProfile(models.Model):
    """What smart-matching needs about a specialist, precomputed so one query ranks
    thousands: keys like ``|en|es|`` for portable "contains" filters, the next free slot,
    a 168-bit mask of weekly working hours in UTC (hour of week) and the current load.
    Refreshed by ``actions.refresh_match_profiles`` (a task, the demo and staff)."""

    specialist = models.OneToOneField(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="match_profile"
    )
    languages_key = models.CharField(max_length=400, blank=True, default="|")
    specialisations_key = models.CharField(max_length=2000, blank=True, default="|")
    expertise_key = models.CharField(max_length=4000, blank=True, default="|")
    accepting_new_patients = models.BooleanField(default=True)
    next_available_at = models.DateTimeField(null=True, blank=True)
    # Working hours per UTC day part, bits: 1 night (0-6), 2 morning (6-12), 4 afternoon
    # (12-18), 8 evening (18-24).
    utc_parts_mask = models.PositiveSmallIntegerField(default=0)
    active_patients = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["next_available_at"], name="matchprofile_next_idx")]

    def __str__(self) -> str:
        return f"match profile of {self.specialist_id}"


class CareRelationship(models.Model):
    """A patient in the care of a specialist on a brand, with how they were brought together
    (``source``) and, for matching, the reasons shown to the patient."""

    class Source(models.TextChoices):
        BROWSE = "browse", _("Browse and choose")
        GUIDED = "guided", _("Guided matching")
        SMART = "smart", _("Smart-matching")
        PROGRAM = "program", _("Program")
        STAFF = "staff", _("Staff")
        REFERRAL = "referral", _("Referral")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="care_relationships"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="care_relationships"
    )
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="care_relationships"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    reasons = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("care relationship")
        verbose_name_plural = _("care relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="active"),
                name="care_one_active_per_patient",
            )
        ]
        indexes = [models.Index(fields=["specialist", "status"], name="care_specialist_idx")]

    def __str__(self) -> str:
        return f"{self.patient_id} with {self.specialist_id} ({self.status})"
