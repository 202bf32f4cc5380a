"""What an upload may be: the file types Hale knows, grouped for brand settings, and the
policy (size and types) one upload is checked against.

Pure data, no models: ``hale.tenancy`` builds a brand's policy from these at model-load time.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MB = 1024 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"
CSV = "text/csv"


@dataclass(frozen=True)
class FileType:
    """One accepted file type: its MIME type and the extensions a name may carry (the first
    is the canonical one, added to a name that has none)."""

    mime: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]


FILE_TYPES: dict[str, FileType] = {
    t.mime: t
    for t in (
        FileType(JPEG, (".jpg", ".jpeg")),
        FileType(PNG, (".png",)),
        FileType(GIF, (".gif",)),
        FileType(WEBP, (".webp",)),
        FileType(PDF, (".pdf",)),
        FileType(DOCX, (".docx",)),
        FileType(XLSX, (".xlsx",)),
        FileType(ODT, (".odt",)),
        FileType(TEXT, (".txt",)),
        FileType(CSV, (".csv",)),
    )
}
IMAGE_TYPES = frozenset({JPEG, PNG, GIF, WEBP})
TEXT_TYPES = frozenset({TEXT, CSV})
# Shown in the browser rather than downloaded (when the caller asks for inline).
INLINE_TYPES = IMAGE_TYPES | {PDF}


@dataclass(frozen=True)
class TypeGroup:
    """A set of file types a brand switches on together, with the words people read."""

    key: str
    label: "StrOrPromise"  # lazy: "Images (JPEG, PNG, GIF, WebP)" on the settings page
    short: "StrOrPromise"  # lazy: "images" in "Only images and PDF documents are allowed."
    types: tuple[str, ...]


TYPE_GROUPS: dict[str, TypeGroup] = {
    g.key: g
    for g in (
        TypeGroup(
            "images", _("Images (JPEG, PNG, GIF, WebP)"), _("images"), (JPEG, PNG, GIF, WEBP)
        ),
        TypeGroup("pdf", _("PDF documents"), _("PDF documents"), (PDF,)),
        TypeGroup(
            "office",
            _("Office documents (Word .docx, Excel .xlsx, OpenDocument .odt)"),
            _("office documents (Word, Excel, OpenDocument)"),
            (DOCX, XLSX, ODT),
        ),
        TypeGroup("text", _("Plain text and CSV"), _("text files (TXT, CSV)"), (TEXT, CSV)),
    )
}
DEFAULT_TYPE_GROUPS = ("images", "pdf")


def type_group_choices() -> "list[tuple[str, StrOrPromise]]":
    return [(g.key, g.label) for g in TYPE_GROUPS.values()]


def validate_type_groups(value) -> None:
    """A non-empty list of known group keys, none twice (``Brand.upload_type_groups``)."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one kind of file."), code="required")
    if any(g not in TYPE_GROUPS for g in value) or len(set(value)) != len(value):
        raise ValidationError(
            _("Choose kinds of file from the list, each at most once."), code="invalid"
        )


def format_size(max_bytes: int) -> str:
    """``10 MB`` (whole megabytes when it is a whole number of them)."""
    amount = max_bytes // MB if max_bytes % MB == 0 else round(max_bytes / MB, 1)
    return gettext("%(amount)s MB") % {"amount": amount}


@dataclass(frozen=True)
class UploadPolicy:
    """How large an upload may be and which types (MIME, from ``FILE_TYPES``) it may have."""

    max_bytes: int
    allowed_types: frozenset[str]

    def __post_init__(self):
        unknown = set(self.allowed_types) - FILE_TYPES.keys()
        if unknown:
            raise ValueError(f"unknown upload types: {sorted(unknown)}")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        object.__setattr__(self, "allowed_types", frozenset(self.allowed_types))

    @classmethod
    def for_groups(cls, *, max_bytes: int, groups) -> "UploadPolicy":
        """The policy for type groups by key (``["images", "pdf"]``)."""
        return cls(
            max_bytes=max_bytes,
            allowed_types=frozenset(
                t for key in groups if key in TYPE_GROUPS for t in TYPE_GROUPS[key].types
            ),
        )

    def allows(self, mime: str) -> bool:
        return mime in self.allowed_types

    @property
    def groups(self) -> list[TypeGroup]:
        """The groups any of whose types this policy allows, in catalogue order."""
        return [g for g in TYPE_GROUPS.values() if self.allowed_types & set(g.types)]

    @property
    def accept(self) -> str:
        """A value for ``<input type=file accept=...>`` (a hint for the picker, not a check)."""
        items = []
        for mime in sorted(self.allowed_types):
            items.append(mime)
            items.extend(FILE_TYPES[mime].extensions)
        return ",".join(items)

    def types_text(self) -> str:
        """ "images and PDF documents" in the active language."""
        return get_text_list([str(g.short) for g in self.groups], gettext("and"))

    def describe(self) -> str:
        """Help text for an upload field: what it takes and how large."""
        return gettext("%(types)s, up to %(size)s.") % {
            "types": self.types_text()[:1].upper() + self.types_text()[1:],
            "size": format_size(self.max_bytes),
        }
