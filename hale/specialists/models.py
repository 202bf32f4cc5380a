import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import validate_time_zone
from hale.specialists.validators import (
    photo_extension,
    validate_https_url,
    validate_licence_regions,
    validate_phone,
    validate_photo,
)
from hale.specialists.vocabulary import language_name


def photo_upload_to(instance: "Specialist", filename: str) -> str:
    """A random, unguessable name; the extension is kept (it was checked against the bytes)."""
    return f"specialists/photos/{uuid.uuid4()}.{photo_extension(filename) or 'bin'}"


class Modality(models.TextChoices):
    """How a session takes place. Scheduling and appointments use the same values."""

    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class Vocabulary(models.Model):
    """A curated term (specialisation or area of expertise) chosen from a fixed list.

    ``name`` is stored in English; ``label`` translates it (the starting list is in the
    message catalogue, see ``hale.specialists.vocabulary``).
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Inactive terms stay on existing profiles but are no longer offered."),
    )

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name)


class Specialisation(Vocabulary):
    """A professional discipline a specialist practises (e.g. clinical psychology)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("specialisation")
        verbose_name_plural = _("specialisations")


class ExpertiseArea(Vocabulary):
    """A concern a specialist helps with (e.g. anxiety); patients filter and match on these."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("area of expertise")
        verbose_name_plural = _("areas of expertise")


class SpecialistQuerySet(models.QuerySet):
    def approved(self) -> "SpecialistQuerySet":
        """Specialists patients may see. Every patient-facing read must start here."""
        return self.filter(status=Specialist.Status.APPROVED)

    def awaiting_review(self) -> "SpecialistQuerySet":
        """Applications in the staff review queue, oldest submission first."""
        return self.filter(status=Specialist.Status.SUBMITTED).order_by("submitted_at", "pk")


class Specialist(models.Model):
    """A professional's platform-level profile and the state of its review.

    Lifecycle: DRAFT (onboarding) → SUBMITTED → APPROVED, REJECTED, or CHANGES_REQUESTED (the
    specialist edits and resubmits). Only DRAFT and CHANGES_REQUESTED profiles can be edited
    through onboarding; every change goes through ``hale.specialists.actions``.

    **Patient-facing code must read specialists through ``Specialist.objects.approved()``**
    (or a QuerySet built on it): no patient portal ever shows a specialist who is not approved.

    ``onboarding_step`` is the step the guided onboarding resumes at.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")

    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="specialist"
    )
    display_name = models.CharField(_("display name"), max_length=150)
    credentials = models.CharField(_("credentials"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    # About you
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])

    # Practice preferences
    offers_video = models.BooleanField(_("video sessions"), default=False)
    offers_phone = models.BooleanField(_("phone sessions"), default=False)
    offers_in_person = models.BooleanField(_("in-person sessions"), default=False)
    accepting_new_patients = models.BooleanField(_("accepting new patients"), default=True)
    max_weekly_sessions = models.PositiveSmallIntegerField(
        _("most sessions a week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    licence_regions = models.JSONField(
        _("licence regions"),
        default=list,
        blank=True,
        validators=[validate_licence_regions],
        help_text=_("Regions where you hold a licence, as ISO codes (ES, US-CA)."),
    )

    # Expertise
    specialisations = models.ManyToManyField(
        Specialisation, blank=True, related_name="specialists", verbose_name=_("specialisations")
    )
    expertise_areas = models.ManyToManyField(
        ExpertiseArea,
        blank=True,
        related_name="specialists",
        verbose_name=_("areas of expertise"),
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Codes of the languages sessions can be held in."),
    )

    # Profile
    bio = models.TextField(_("bio"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to=photo_upload_to, blank=True, validators=[validate_photo]
    )
    intro_video_url = models.URLField(
        _("introduction video"), blank=True, max_length=500, validators=[validate_https_url]
    )

    # Workflow
    onboarding_step = models.CharField(_("onboarding step"), max_length=24, default="about")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_reason = models.TextField(_("reason given"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpecialistQuerySet.as_manager()

    class Meta:
        verbose_name = _("specialist")
        verbose_name_plural = _("specialists")
        indexes = [
            # The review queue: submitted applications, oldest first.
            models.Index(fields=["status", "submitted_at"], name="specialist_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def modalities(self) -> list[str]:
        """The session modalities offered, as ``Modality`` values."""
        flags = [
            (Modality.VIDEO, self.offers_video),
            (Modality.PHONE, self.offers_phone),
            (Modality.IN_PERSON, self.offers_in_person),
        ]
        return [value for value, on in flags if on]

    def get_modalities_display(self) -> list[str]:
        return [str(Modality(value).label) for value in self.modalities]

    def get_languages_display(self) -> list[str]:
        return [language_name(code) for code in self.languages]


class Education(models.Model):
    """A degree or qualification on a specialist's profile, shown to patients."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="education")
    degree = models.CharField(_("degree or qualification"), max_length=150)
    institution = models.CharField(_("institution"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year completed"), validators=[MinValueValidator(1940), MaxValueValidator(2100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "-year", "pk"]
        verbose_name = _("education")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return f"{self.degree}, {self.institution} ({self.year})"


class ReviewEvent(models.Model):
    """One step in an application's review history: a submission or a reviewer's decision.

    Shown to the specialist (with the reason) and to reviewers; the audit trail records the
    same events for operators.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="review_events"
    )
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self) -> str:
        return f"{self.specialist}: {self.kind} at {self.at:%Y-%m-%d %H:%M}"
