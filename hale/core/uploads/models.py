"""The ``core.Upload`` model (imported by ``hale.core.models`` so Django finds it)."""

import secrets
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hale.core.storage import get_private_storage
from hale.core.uploads.policy import FILE_TYPES, IMAGE_TYPES, INLINE_TYPES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Still not clean this long after the upload: the scan has failed for good (its retries are
# over long before), whether or not a worker ran to say so.
SCAN_TIMEOUT = timedelta(hours=6)


def upload_storage_name(instance: "Upload", filename: str) -> str:
    """A random name in the private storage; nothing of the uploader's name is used (the
    extension comes from the detected type)."""
    token = secrets.token_hex(16)
    extension = FILE_TYPES[instance.content_type].extension
    return f"uploads/{token[:2]}/{token}{extension}"


class Upload(models.Model):
    """One file someone uploaded, kept in the private storage under a random name.

    Only ``store_upload`` makes these: by then the type was read from the bytes (and agrees
    with the name), images were re-encoded without their metadata, and the size is within
    the brand's limit. ``scan_status`` says whether it may be handed out: only ``clean``
    files are served. Other apps point at uploads (a message attachment, a shared document)
    and check access themselves before calling ``serve_upload``.
    """

    class ScanStatus(models.TextChoices):
        PENDING = "pending", pgettext_lazy("upload status", "Received")
        SCANNING = "scanning", pgettext_lazy("upload status", "Being checked for viruses")
        CLEAN = "clean", pgettext_lazy("upload status", "Ready")
        INFECTED = "infected", pgettext_lazy("upload status", "Removed: a virus was found")
        FAILED = "failed", pgettext_lazy("upload status", "Could not be checked for viruses")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(
        _("file"),
        upload_to=upload_storage_name,
        storage=get_private_storage,
        max_length=255,
        blank=True,
    )
    original_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    scan_status = models.CharField(
        _("virus scan"), max_length=16, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scanned_at = models.DateTimeField(_("scanned"), null=True, blank=True)
    # The scanner's name for what it found (e.g. "Win.Test.EICAR_HDB-1"), for staff.
    threat = models.CharField(_("threat found"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    brand = models.ForeignKey(
        "tenancy.Brand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("brand"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Sweeps of scans that never finished.
            models.Index(fields=["scan_status", "created_at"], name="upload_scan_idx"),
        ]

    def __str__(self) -> str:
        # Never the file name: __str__ ends up in logs and admin history.
        return f"upload {self.uuid} ({self.scan_status})"

    def effective_scan_status(self, now=None) -> str:
        """The status people see: a scan still unfinished after ``SCAN_TIMEOUT`` failed."""
        now = now or timezone.now()
        waiting = {self.ScanStatus.PENDING, self.ScanStatus.SCANNING}
        if self.scan_status in waiting and self.created_at + SCAN_TIMEOUT <= now:
            return self.ScanStatus.FAILED
        return self.scan_status

    @property
    def scan_status_label(self) -> "StrOrPromise":
        return self.ScanStatus(self.effective_scan_status()).label

    @property
    def is_available(self) -> bool:
        """Whether ``serve_upload`` hands it out: scanned clean (or no scanner) and present."""
        return self.scan_status == self.ScanStatus.CLEAN and bool(self.file)

    @property
    def is_scanning(self) -> bool:
        return self.effective_scan_status() in {self.ScanStatus.PENDING, self.ScanStatus.SCANNING}

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def can_show_inline(self) -> bool:
        return self.content_type in INLINE_TYPES
