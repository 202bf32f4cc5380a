"""Documents in a patient's record: files the care team shares with the patient, the
patient's own uploads and notes, and the specialists' private clinical notes.

Privacy decisions (see README "Documents and notes"):

* A patient's own notes are private to the patient unless they tick "Share with my care
  team"; then their specialists (active or past care) and the brand's staff can read them.
* A specialist's private notes are the specialist's alone: not the patient, not other
  specialists, not the brand's staff. Only a clinical lead supervising the specialist on the
  patient's brand may read them (read-only), and every such read is audited.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What a document is, for the patient's list and its filter."""

    LAB_RESULTS = "lab_results", _("Lab results")
    IMAGING = "imaging", _("Imaging")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A file in a patient's record: shared with the patient by a specialist or the brand's
    staff (``shared_by_side`` specialist/staff), or uploaded by the patient themselves
    (``patient``). The file lives in the one upload pipeline (``core.Upload``).

    A shared document that is withdrawn keeps its row as a tombstone (``withdrawn_at`` and
    who) without its file; a patient's own upload that they delete is removed outright.
    """

    class Side(models.TextChoices):
        PATIENT = "patient", _("Patient")
        SPECIALIST = "specialist", _("Specialist")
        STAFF = "staff", _("Clinic staff")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    upload = models.OneToOneField(
        "core.Upload",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_document",
    )
    shared_by_side = models.CharField(_("from"), max_length=16, choices=Side.choices)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shared_documents",
        help_text=_("The specialist who shared it (documents shared by a specialist)."),
    )
    created_at = models.DateTimeField(_("date"), db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["patient", "shared_by_side", "-created_at"])]

    def __str__(self) -> str:
        # Never the title: __str__ ends up in logs and admin history.
        return f"Document {self.uuid}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_shared(self) -> bool:
        return self.shared_by_side != self.Side.PATIENT


class PatientNote(models.Model):
    """A note the patient writes for themselves (Markdown). Private to the patient unless
    ``shared_with_care_team``; then their specialists and the brand's staff can read it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="own_notes"
    )
    body = models.TextField(_("note"))
    shared_with_care_team = models.BooleanField(_("share with my care team"), default=False)
    created_at = models.DateTimeField(_("written"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("patient note")
        verbose_name_plural = _("patient notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Patient note {self.uuid}"


class PrivateNote(models.Model):
    """A specialist's private clinical note on one patient (Markdown, rendered sanitised),
    optionally about one of the patient's sessions with that specialist. Only its author
    and a clinical lead supervising the author on the patient's brand may read it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="private_notes"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="private_notes"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="private_notes",
        verbose_name=_("session"),
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["specialist", "patient", "-created_at"])]

    def __str__(self) -> str:
        return f"Private note {self.uuid}"
