"""Versioned legal documents (Terms of Service, Privacy Policy) and patients' acceptances."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalDocument(models.Model):
    """One version of a brand's Terms of Service or Privacy Policy, written by its staff.

    Versions are numbered 1, 2, 3… per brand and kind. A version starts as a draft, which staff
    may edit (at most one draft per brand and kind); publishing freezes it for good. The
    *current* document of a kind is its highest published version: patients signing up accept
    it, and signed-in patients who have not accepted it are asked to before going on.
    ``body_html`` is the sanitised rendering of ``body_markdown`` (``hale.core.markdown``),
    made by the actions on every save.
    """

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of Service")
        PRIVACY = "privacy", _("Privacy Policy")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand",
        on_delete=models.PROTECT,
        related_name="legal_documents",
        verbose_name=_("brand"),
    )
    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    change_summary = models.CharField(
        _("what changed"),
        max_length=500,
        blank=True,
        help_text=_("A sentence or two for patients asked to accept this version."),
    )
    body_markdown = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(_("text (rendered)"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["brand", "kind", "-version"]
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "kind", "version"], name="legal_document_unique_version"
            ),
            models.UniqueConstraint(
                fields=["brand", "kind"],
                condition=models.Q(status="draft"),
                name="legal_document_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="legal_document_published_has_date",
            ),
        ]
        indexes = [
            # The current version of each kind: published rows of a brand, highest version.
            models.Index(
                fields=["brand", "status", "kind", "version"], name="legal_document_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class LegalAcceptance(models.Model):
    """A person's acceptance of one published legal document: which version, when, and from
    which address and browser. Rows are never changed or deleted by the application; a new
    version needs a new acceptance."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legal_acceptances"
    )
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.PROTECT, related_name="legal_acceptances"
    )
    document = models.ForeignKey(
        LegalDocument, on_delete=models.PROTECT, related_name="acceptances"
    )
    version = models.PositiveIntegerField(_("version"))
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("legal acceptance")
        verbose_name_plural = _("legal acceptances")
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="legal_acceptance_once"),
        ]
        indexes = [
            models.Index(fields=["brand", "user"], name="legal_acceptance_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.document} on {self.accepted_at:%Y-%m-%d}"
