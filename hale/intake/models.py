"""Intake forms: what a brand asks patients to fill in, and each patient's answers.

``IntakeForm`` is the brand's editable form (title, introduction, fields, the session types
it is sent for at booking). Saving changed fields freezes them into a new ``FormVersion``,
which never changes afterwards; an ``Assignment`` (one patient asked to fill in one form)
points at the version that was current when it was sent, so the questions a patient
answered are always the ones they were shown.

A field is a dict in ``FormVersion.fields``: ``key`` (stable within the form), ``label``,
``type`` (one of ``FieldType``), ``required``, ``help`` and, for choices, ``choices``.
``Assignment.answers`` maps keys to answers: a string (text, single choice, ISO date,
``"yes"``/``"no"``), a list of strings (multiple choice) or, for a signature, ``{"method":
"typed", "name": …}`` / ``{"method": "drawn", "png": <base64>}`` (never kept in a draft).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hale.core.storage import get_private_storage


class FieldType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes or no")
    SIGNATURE = "signature", _("Signature")


CHOICE_TYPES = frozenset({FieldType.SINGLE_CHOICE, FieldType.MULTIPLE_CHOICE})


class IntakeForm(models.Model):
    """A brand's form as staff edit it. ``revision`` is bumped on every save: the builder
    carries the revision it showed and a stale save is refused."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    session_types = models.ManyToManyField(
        "scheduling.SessionType",
        blank=True,
        related_name="+",
        verbose_name=_("send when these session types are booked"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("intake form")
        verbose_name_plural = _("intake forms")
        indexes = [models.Index(fields=["brand", "is_active"], name="intake_form_brand_idx")]

    def __str__(self) -> str:
        return self.title


class FormVersion(models.Model):
    """The questions of a form as they were at one point: never changed once made."""

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    fields = models.JSONField(_("fields"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="intake_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A form version cannot be changed.")
        super().save(*args, **kwargs)


class Assignment(models.Model):
    """One patient asked to fill in one form version: a draft until submitted, then
    read-only (with a PDF made after commit)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To fill in")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form = models.ForeignKey(IntakeForm, on_delete=models.PROTECT, related_name="assignments")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="intake_assignments"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answers = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    pdf = models.FileField(storage=get_private_storage, upload_to="intake/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("intake form sent")
        verbose_name_plural = _("intake forms sent")
        constraints = [
            # Sent at booking once per appointment, however often the hook runs.
            models.UniqueConstraint(
                fields=["form", "patient", "appointment"],
                condition=Q(appointment__isnull=False),
                name="intake_once_per_appt",
            ),
            # Sent by hand: one open copy per patient at a time.
            models.UniqueConstraint(
                fields=["form", "patient"],
                condition=Q(appointment__isnull=True, status="pending"),
                name="intake_one_open",
            ),
        ]
        indexes = [models.Index(fields=["patient", "status"], name="intake_patient_idx")]

    def __str__(self) -> str:
        return f"{self.form_id} for {self.patient_id}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
