"""Validators for specialist profile fields.

Profile photos are checked without an imaging library: the size, the file name's extension,
the content type the browser declared, and the file's first bytes (its "magic number"), so a
renamed text file or script is refused even when its name says ``.jpg``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp"}
PHOTO_CONTENT_TYPES = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp"}
PHOTO_ACCEPT = ",".join(PHOTO_CONTENT_TYPES)

_PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ().\-]{5,24}$")


def sniff_image_format(head: bytes) -> str | None:
    """The image format the bytes start with: "jpeg", "png", "webp", or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def photo_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_photo(file) -> None:
    """Refuse anything but a JPEG, PNG or WebP image of at most 5 MB."""
    if not file:
        return
    size = getattr(file, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is too large. Choose an image of at most 5 MB."), code="photo_too_large"
        )
    if size == 0:
        raise ValidationError(_("The photo file is empty."), code="photo_empty")
    wrong_type = ValidationError(_("Choose a JPEG, PNG or WebP image."), code="photo_wrong_type")
    by_extension = PHOTO_EXTENSIONS.get(photo_extension(getattr(file, "name", "") or ""))
    if by_extension is None:
        raise wrong_type
    declared = getattr(file, "content_type", None)
    if declared is not None and PHOTO_CONTENT_TYPES.get(declared.lower()) is None:
        raise wrong_type
    # Read the first bytes only; rewind so storage saves the whole file.
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        head = file.read(16)
    finally:
        file.seek(position or 0)
    sniffed = sniff_image_format(head)
    if sniffed is None:
        raise wrong_type
    # A PNG named .jpg is harmless but sloppy; a mismatch between name and content is refused
    # so the stored extension always tells the truth about the bytes.
    if sniffed != by_extension:
        raise wrong_type


def validate_phone(value: str) -> None:
    """A phone number in international or local form: digits, spaces, dashes, brackets."""
    digits = sum(ch.isdigit() for ch in value or "")
    if value and (not _PHONE_RE.match(value) or not 6 <= digits <= 15):
        raise ValidationError(
            _("Enter a phone number with its country code, e.g. +44 20 7946 0000."),
            code="invalid_phone",
        )


# ISO 3166-1 alpha-2 country, optionally with an ISO 3166-2 subdivision: "ES", "US-CA".
_REGION_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


def normalise_region(value: str) -> str:
    return (value or "").strip().upper()


def validate_region(value: str) -> None:
    if value and not _REGION_RE.match(value):
        raise ValidationError(
            _("Enter an ISO region code such as “ES” or “US-CA”."), code="invalid_region"
        )


def validate_licence_regions(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Enter region codes separated by commas."), code="invalid")
    for code in value:
        validate_region(code if isinstance(code, str) else "?")


def validate_https_url(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(_("Use a secure link starting with https://."), code="not_https")
