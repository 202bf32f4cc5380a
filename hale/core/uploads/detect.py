"""The type of a file, read from its bytes (never from its name or the browser's claim).

Library: ``puremagic`` (MIT, pure Python, actively released). Besides magic numbers it looks
inside containers: a ZIP is told apart as Word, Excel, OpenDocument or plain ZIP from its
``[Content_Types].xml`` / ``mimetype`` member, and it recognises HTML, SVG and XML, which we
refuse whatever their name. ``filetype`` was the other candidate: smaller, but without a
release since 2022 and blind to markup. puremagic's deep scan needs a file on disk, which we
have (the upload is spooled to a temporary file while it is counted and hashed); the
temporary name has no extension, so the name cannot sway the result.

Plain text has no magic number: a file is text when it is valid UTF-8 without NUL bytes.
"""

import codecs
import logging
import zipfile

import puremagic

from hale.core.uploads.policy import FILE_TYPES, TEXT_TYPES

logger = logging.getLogger(__name__)

# Markup a browser would run as a page or an active image: never accepted, whatever the name.
MARKUP_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "image/svg+xml", "application/xml", "text/xml"}
)
# Text as puremagic names it, beyond text/*: accepted as plain text if the name says .txt.
TEXTUAL_TYPES = frozenset({"application/json", "application/csv"})

ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 10_000
# puremagic reads these members of a ZIP whole; a bigger one is a decompression bomb.
ZIP_METADATA_MEMBERS = frozenset(
    {"[Content_Types].xml", "mimetype", "docProps/app.xml", "version.json", "install.rdf"}
)
ZIP_METADATA_MAX_BYTES = 1024 * 1024
READ_CHUNK = 64 * 1024

UNKNOWN = "application/octet-stream"


def sniff(path: str) -> str:
    """The MIME type puremagic reads from the file at ``path`` (``UNKNOWN`` if none)."""
    with open(path, "rb") as handle:
        head = handle.read(len(ZIP_MAGIC))
    if head == ZIP_MAGIC and not _zip_is_tame(path):
        return "application/zip"  # a ZIP we will not open further: refused as such
    try:
        return puremagic.from_file(path, mime=True) or UNKNOWN
    except puremagic.PureError:
        return UNKNOWN
    except Exception:  # a hostile file must not turn into a 500
        logger.warning("Type detection failed on an upload", exc_info=True)
        return UNKNOWN


def _zip_is_tame(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    if len(members) > MAX_ZIP_MEMBERS:
        return False
    return not any(
        m.file_size > ZIP_METADATA_MAX_BYTES
        for m in members
        if m.filename in ZIP_METADATA_MEMBERS or m.filename.endswith(".fb2")
    )


def is_utf8_text(path: str) -> bool:
    """Valid UTF-8 (a BOM allowed) with no NUL byte, read in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect(path: str) -> str:
    """The file's type: one of ``FILE_TYPES`` for what we know how to keep (``text/plain``
    stands for any UTF-8 text; the name then decides plain text or CSV), a markup type, or
    whatever else puremagic recognised (``UNKNOWN`` when nothing)."""
    sniffed = sniff(path)
    if sniffed in MARKUP_TYPES:
        return sniffed
    if sniffed in FILE_TYPES and sniffed not in TEXT_TYPES:
        return sniffed
    textual = sniffed == UNKNOWN or sniffed.startswith("text/") or sniffed in TEXTUAL_TYPES
    if textual and is_utf8_text(path):
        return "text/plain"
    return sniffed
