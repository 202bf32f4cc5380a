"""Fields of a form version: checking a builder's definition, the patient's fill-in form
built from it, lenient draft cleaning, and answers as people read them.

Everything here is pure (no database): actions and views call it."""

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.core.markdown import one_line
from hale.core.signatures import CapturedSignature, SignatureField
from hale.intake.models import CHOICE_TYPES, FieldType

LABEL_MAX = 300
HELP_MAX = 500
CHOICE_MAX = 200
CHOICES_MAX = 30
FIELDS_MAX = 60
SHORT_MAX = 300
LONG_MAX = 5000
YES, NO = "yes", "no"


class DefinitionError(ValueError):
    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def clean_definition(rows: list[dict]) -> list[dict]:
    """The builder's rows (``label``, ``type``, ``required``, ``help``, ``choices`` as a
    list, optional ``key``) as stored fields: labels and choices trimmed, keys kept for
    fields that were there before and made for new ones. Raises ``DefinitionError``."""
    fields: list[dict] = []
    used: set[str] = set()
    for row in rows:
        label = one_line(row.get("label"))
        if not label:
            continue
        if len(label) > LABEL_MAX:
            raise DefinitionError(
                _("Keep each question under %(max)d characters.") % {"max": LABEL_MAX}
            )
        kind = row.get("type")
        if kind not in FieldType.values:
            raise DefinitionError(_("Choose a type for “%(label)s”.") % {"label": label})
        help_text = one_line(row.get("help"))[:HELP_MAX]
        choices: list[str] = []
        if kind in CHOICE_TYPES:
            for choice in row.get("choices") or []:
                choice = one_line(choice)[:CHOICE_MAX]
                if choice and choice not in choices:
                    choices.append(choice)
            if len(choices) < 2:
                raise DefinitionError(
                    _("Give “%(label)s” at least two choices, one per line.") % {"label": label}
                )
            if len(choices) > CHOICES_MAX:
                raise DefinitionError(
                    _("Give “%(label)s” at most %(max)d choices.")
                    % {"label": label, "max": CHOICES_MAX}
                )
        key = str(row.get("key") or "")
        if not key.isidentifier() or key in used:
            key = ""
        fields.append(
            {
                "key": key,
                "label": label,
                "type": kind,
                "required": bool(row.get("required")),
                "help": help_text,
                "choices": choices,
            }
        )
        if key:
            used.add(key)
    if len(fields) > FIELDS_MAX:
        raise DefinitionError(_("Keep a form under %(max)d questions.") % {"max": FIELDS_MAX})
    number = 1
    for field in fields:
        if not field["key"]:
            while f"q{number}" in used:
                number += 1
            field["key"] = f"q{number}"
            used.add(field["key"])
    if not fields:
        raise DefinitionError(_("Add at least one question."))
    return fields


def _form_field(field: dict) -> forms.Field:
    kind = field["type"]
    common: dict[str, Any] = {
        "label": field["label"],
        "required": field["required"],
        "help_text": field.get("help", ""),
    }
    if kind == FieldType.SHORT_TEXT:
        return forms.CharField(max_length=SHORT_MAX, **common)
    if kind == FieldType.LONG_TEXT:
        return forms.CharField(
            max_length=LONG_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == FieldType.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in field["choices"]], widget=forms.RadioSelect, **common
        )
    if kind == FieldType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in field["choices"]],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldType.YES_NO:
        return forms.ChoiceField(
            choices=[(YES, gettext_lazy("Yes")), (NO, gettext_lazy("No"))],
            widget=forms.RadioSelect,
            **common,
        )
    return SignatureField(**common)


class FillForm(forms.Form):
    """The patient's form for one version; ``answers`` turns cleaned data into what is
    stored."""

    def __init__(self, *args, fields: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = fields
        for field in fields:
            self.fields[field["key"]] = _form_field(field)

    def answers(self) -> dict:
        result: dict[str, Any] = {}
        for field in self.definition:
            value = self.cleaned_data.get(field["key"])
            if value in (None, "", []):
                continue
            if isinstance(value, CapturedSignature):
                result[field["key"]] = _signature_answer(value)
            elif isinstance(value, dt.date):
                result[field["key"]] = value.isoformat()
            elif isinstance(value, list):
                result[field["key"]] = [str(v) for v in value]
            else:
                result[field["key"]] = str(value).strip()
        return result


def _signature_answer(signature: CapturedSignature) -> dict:
    if signature.is_drawn and signature.png is not None:
        return {"method": "drawn", "png": base64.b64encode(signature.png).decode("ascii")}
    return {"method": "typed", "name": signature.typed_name}


def initial_from(answers: dict, fields: list[dict]) -> dict:
    """A form's initial values from stored answers (signatures are drawn again)."""
    return {
        f["key"]: answers[f["key"]]
        for f in fields
        if f["key"] in answers and f["type"] != FieldType.SIGNATURE
    }


def draft_answers(data, fields: list[dict]) -> dict:
    """What a draft keeps of posted ``data`` (a QueryDict): every non-signature answer as
    typed, cut to its limit, choices only among the field's own, never a signature. Nothing
    is refused: a draft is work in progress."""
    result: dict[str, Any] = {}
    for field in fields:
        key, kind = field["key"], field["type"]
        if kind == FieldType.SIGNATURE:
            continue
        if kind == FieldType.MULTIPLE_CHOICE:
            picked = [c for c in data.getlist(key) if c in field["choices"]]
            if picked:
                result[key] = picked
            continue
        value = str(data.get(key, "") or "")
        if kind == FieldType.SINGLE_CHOICE and value not in field["choices"]:
            continue
        if kind == FieldType.YES_NO and value not in (YES, NO):
            continue
        if kind == FieldType.DATE:
            try:
                value = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                continue
        limit = LONG_MAX if kind == FieldType.LONG_TEXT else SHORT_MAX
        value = value.strip()[:limit]
        if value:
            result[key] = value
    return result


@dataclass(frozen=True)
class Answer:
    """One question and its answer as a person reads it (``png``: a drawn signature)."""

    label: str
    text: str
    png: bytes | None = None


def columns(versions) -> list[dict]:
    """The questions of every version of a form, newest wording first, once per key: the
    columns of a table of everyone's answers."""
    seen: dict[str, dict] = {}
    for version in sorted(versions, key=lambda v: -v.number):
        for field in version.fields:
            seen.setdefault(field["key"], field)
    return list(seen.values())


def readable(answers: dict, fields: list[dict]) -> list[Answer]:
    rows = []
    for field in fields:
        value = answers.get(field["key"])
        png = None
        if value in (None, "", []):
            text = _("(no answer)")
        elif field["type"] == FieldType.MULTIPLE_CHOICE:
            text = ", ".join(value)
        elif field["type"] == FieldType.YES_NO:
            text = _("Yes") if value == YES else _("No")
        elif field["type"] == FieldType.SIGNATURE:
            if value.get("method") == "drawn":
                png = base64.b64decode(value["png"])
                text = _("Signed by drawing")
            else:
                text = _("Signed by typing the name: %(name)s") % {"name": value.get("name", "")}
        else:
            text = str(value)
        rows.append(Answer(label=field["label"], text=text, png=png))
    return rows
