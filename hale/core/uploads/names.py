"""File names as people gave them, made safe to show and to put in a header.

The name is only ever displayed (and offered back on download): files are stored under a
random name, so nothing here decides where a file lands.
"""

import os
import re
import unicodedata

MAX_NAME_LENGTH = 120
# Characters Windows refuses in a name (and quotes, which break naive headers).
_RESERVED = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")


def display_name(raw: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """``raw`` reduced to a plain, one-line file name: the last path part only (``/`` and
    ``\\``), no control or invisible formatting characters (NUL, newlines, right-to-left
    overrides), Windows-reserved characters replaced, no leading dots, at most
    ``max_length`` characters with the extension kept. Never empty (``file``)."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]
    cleaned = []
    for char in name:
        category = unicodedata.category(char)
        if char in "\t\n\r\v\f\x85\u2028\u2029":
            cleaned.append(" ")
        elif category in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}:
            continue
        else:
            cleaned.append(char)
    name = _RESERVED.sub("_", "".join(cleaned))
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    stem, ext = split_extension(name)
    if len(ext) > 16:  # not an extension, just a dot in a long name
        stem, ext = name, ""
    stem = stem.rstrip(". ")
    if not stem:
        stem = "file"
    stem = stem[: max(1, max_length - len(ext))].rstrip(". ") or "file"
    return f"{stem}{ext}"


def split_extension(name: str) -> tuple[str, str]:
    """``("report", ".PDF")`` for ``report.PDF``; no extension for ``.env`` or ``name.``."""
    stem, ext = os.path.splitext(name)
    if ext == ".":
        return name, ""
    return stem, ext


def extension_of(name: str) -> str:
    """The lower-case extension with its dot (``.pdf``), or ``""``."""
    return split_extension(name)[1].lower()


def ascii_fallback(name: str) -> str:
    """An ASCII stand-in for old clients (RFC 6266 ``filename=``): accents dropped, other
    characters replaced, the extension kept."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r"[^A-Za-z0-9._ ()\-]", "_", folded).strip() or "file"
    stem, ext = split_extension(folded)
    stem = stem.strip()
    if not stem.strip("_"):
        stem = "file"
    return f"{stem}{ext}"
