"""Consent templates, their published versions, requests to sign and signatures.

A ``ConsentTemplate`` belongs to a brand (optionally one program) and says when patients must
sign it (``requirement``). Its text is edited as a draft; publishing freezes the draft into a
``ConsentVersion`` (number, body, SHA-256), which is never changed afterwards. A
``ConsentSignature`` points at the version that was signed, so signatures of version 1 stay
valid for version 1 when version 2 is published. Whether a new version must be signed again
is the template's ``resign_on_new_version`` flag.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hale.core.storage import get_private_storage


class Requirement(models.TextChoices):
    SIGNUP = "signup", _("At sign-up (before using the portal)")
    FIRST_SESSION = "first_session", _("Before the first session")
    EVERY_SESSION = "every_session", _("Before every session")
    SESSION_TYPE = "session_type", _("Before a given session type")
    ON_REQUEST = "on_request", _("Only when requested")


# Rules that must be met before a booking is taken (every-session consents are signed for
# an appointment, so they gate joining, not booking).
BOOKING_RULES = (Requirement.SIGNUP, Requirement.FIRST_SESSION, Requirement.SESSION_TYPE)


class ConsentTemplate(models.Model):
    """A consent document of a brand (optionally only for members of one ``program``): its
    title, when it must be signed, and a draft of the next version's text. Published text
    lives in ``ConsentVersion`` rows; the newest one is current."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="consent_templates"
    )
    program = models.ForeignKey(
        "matching.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_templates",
    )
    title = models.CharField(_("title"), max_length=200)
    requirement = models.CharField(
        _("when patients sign it"),
        max_length=16,
        choices=Requirement.choices,
        default=Requirement.FIRST_SESSION,
    )
    session_type = models.ForeignKey(
        "scheduling.SessionType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("session type"),
    )
    resign_on_new_version = models.BooleanField(
        _("ask patients to sign the new version"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    draft_body = models.TextField(_("draft text (Markdown)"), blank=True)
    # Bumped on every edit: a form carries the revision it showed (stale edits are refused).
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("consent template")
        verbose_name_plural = _("consent templates")
        indexes = [models.Index(fields=["brand", "is_active"], name="consent_tpl_brand_idx")]

    def __str__(self) -> str:
        return self.title


class ConsentVersion(models.Model):
    """One published text of a template: immutable once published (no update path; the
    admin is read-only). ``body_sha256`` is the SHA-256 of ``body`` as UTF-8 — the exact
    text a signature of this version signed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(ConsentTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    body_sha256 = models.CharField(_("text SHA-256"), max_length=64)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("consent version")
        verbose_name_plural = _("consent versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="consent_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        # A guard only: publishing creates a version; nothing updates one.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A published consent version cannot be changed.")
        super().save(*args, **kwargs)


class ConsentRequest(models.Model):
    """A specialist or staff member asking one patient to sign a template. Open until the
    patient signs it (``signature``) or it is withdrawn."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(ConsentTemplate, on_delete=models.CASCADE, related_name="requests")
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="consent_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note to the patient"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    signature = models.ForeignKey(
        "ConsentSignature", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        indexes = [models.Index(fields=["patient", "fulfilled_at"], name="consent_req_open_idx")]

    def __str__(self) -> str:
        return f"request {self.template_id} for {self.patient_id}"


class ConsentSignature(models.Model):
    """A patient's signature of one ``version`` (for every-session consents, of one
    ``appointment``), with its evidence: the SHA-256 of the exact text signed, time, IP,
    browser, signer, method and the drawn image or typed name. The PDF of the signed
    document is generated after commit; its own SHA-256 is kept to verify it later.

    Never changed once made: no action updates it; ``save`` refuses updates of anything but
    the PDF fields as a guard. One signature per patient, version (and appointment):
    database constraints, so two tabs signing at once leave one row."""

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Drawn")
        TYPED = "typed", _("Typed name")

    PDF_FIELDS = frozenset({"pdf", "pdf_sha256", "pdf_generated_at"})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(
        ConsentTemplate, on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="signatures")
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.PROTECT, related_name="consent_signatures"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(_("signer"), max_length=200)
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=512, blank=True)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    typed_name = models.CharField(_("typed name"), max_length=150, blank=True)
    image_png = models.BinaryField(_("signature image"), null=True, blank=True)
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64)
    pdf = models.FileField(
        _("signed PDF"), storage=get_private_storage, upload_to="consents/", blank=True
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("consent signature")
        verbose_name_plural = _("consent signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "version"],
                condition=Q(appointment__isnull=True),
                name="consent_sig_once",
            ),
            models.UniqueConstraint(
                fields=["patient", "version", "appointment"],
                condition=Q(appointment__isnull=False),
                name="consent_sig_once_per_appt",
            ),
        ]
        indexes = [models.Index(fields=["patient", "template"], name="consent_sig_patient_idx")]

    def __str__(self) -> str:
        return f"signature {self.uuid}"

    def save(self, *args, **kwargs):
        # A guard only: actions never update a signature (the PDF is added once, after commit).
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not kwargs.get("force_insert"):
            if update_fields is None or not set(update_fields) <= self.PDF_FIELDS:
                raise ValueError("A consent signature cannot be changed.")
        super().save(*args, **kwargs)
