"""Spanish is complete: every translatable string in the code has a Spanish translation."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "hale" / "locale"
PO = LOCALE / "es" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", ".tools", "var", "tests", "bench", "conftest.py", "node_modules"]


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text)


def _entries(po_path: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy) for a .po file (plural entries keyed by the singular)."""
    entries: dict[str, tuple[str, bool]] = {}
    msgid, msgstr, fuzzy, field = [], [], False, None
    ctx = []

    def flush():
        if msgid or msgstr:
            key = "\x04".join(["".join(ctx), "".join(msgid)]) if ctx else "".join(msgid)
            if key:
                entries[_unescape(key)] = (_unescape("".join(msgstr)), fuzzy)

    for raw in po_path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            msgid, msgstr, ctx, fuzzy, field = [], [], [], False, None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field = ctx
            ctx.append(line[8:].strip('"'))
        elif line.startswith("msgid_plural "):
            field = None
        elif line.startswith("msgid "):
            field = msgid
            msgid.append(line[6:].strip('"'))
        elif line.startswith("msgstr[") and not line.startswith("msgstr[0]"):
            field = None  # other plural forms: checked through msgstr[0] being present
        elif line.startswith("msgstr"):
            field = msgstr
            msgstr.append(line.split(" ", 1)[1].strip('"'))
        elif line.startswith('"') and field is not None:
            field.append(line.strip('"'))
    flush()
    return entries


def test_committed_spanish_catalogue_has_no_gaps():
    entries = _entries(PO)
    missing = [k for k, (v, fuzzy) in entries.items() if not v or fuzzy]
    assert not missing, f"{len(missing)} untranslated or fuzzy: {missing[:20]}"
    assert (LOCALE / "es" / "LC_MESSAGES" / "django.mo").stat().st_mtime >= 0


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_every_string_in_the_code_is_in_the_spanish_catalogue(tmp_path):
    shutil.copytree(LOCALE, tmp_path / "locale")
    env = {**os.environ, "HALE_LOCALE_DIR": str(tmp_path / "locale")}
    ignores = [f"--ignore={i}" for i in IGNORE]
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete", *ignores],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh = _entries(tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po")
    missing = sorted(k for k, (v, fuzzy) in fresh.items() if not v or fuzzy)
    assert not missing, f"{len(missing)} strings lack Spanish: {missing[:30]}"


def test_compiled_catalogue_matches_the_po():
    from django.utils import translation

    entries = _entries(PO)
    with translation.override("es"):
        for msgid, (msgstr, _fuzzy) in entries.items():
            if "\x04" in msgid or "%" in msgid or "{" in msgid:
                continue
            assert translation.gettext(msgid) == msgstr, msgid
