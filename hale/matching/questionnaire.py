"""Brand-defined matching questionnaire: the definition (with defaults), the patient form
built from it, and the staff action that saves it."""

from dataclasses import dataclass
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.matching.actions import MatchingError
from hale.matching.forms.browse import MatchForm
from hale.matching.models import BrandQuestionnaire
from hale.specialists.models import ExpertiseArea
from hale.specialists.validators import normalise_region, validate_region

# The built-in questions, in the default order. Each maps to a field of ``MatchForm`` and to
# an answer in ``smart.Answers``; brands choose which ones to ask, in which order, and how.
QUESTION_KEYS = ("concerns", "specialisation", "language", "preferred_times")
QUESTION_NAMES = {
    "concerns": _("Concerns"),
    "specialisation": _("Kind of specialist"),
    "language": _("Language"),
    "preferred_times": _("Preferred times"),
}
LABEL_MAX = 200
HELP_MAX = 500


@dataclass(frozen=True)
class Question:
    key: str
    enabled: bool = True
    label: str = ""
    help_text: str = ""


@dataclass(frozen=True)
class Definition:
    questions: tuple[Question, ...]
    concerns: tuple[str, ...] = ()  # expertise-area slugs offered; empty: all active
    region: str = ""  # ISO 3166 code of the brand's patients; empty: no licence constraint

    @property
    def enabled(self) -> list[Question]:
        return [q for q in self.questions if q.enabled]


DEFAULT = Definition(questions=tuple(Question(key=k) for k in QUESTION_KEYS))


def _normalise(questions) -> tuple[Question, ...]:
    """Known keys only, each once, in the stored order; missing ones appended (enabled)."""
    seen: dict[str, Question] = {}
    for item in questions or ():
        if not isinstance(item, dict) or item.get("key") not in QUESTION_KEYS:
            continue
        if item["key"] in seen:
            continue
        seen[item["key"]] = Question(
            key=item["key"],
            enabled=bool(item.get("enabled", True)),
            label=str(item.get("label", ""))[:LABEL_MAX],
            help_text=str(item.get("help_text", ""))[:HELP_MAX],
        )
    ordered = list(seen.values()) + [Question(key=k) for k in QUESTION_KEYS if k not in seen]
    return tuple(ordered)


def definition_for(brand) -> Definition:
    """The brand's questionnaire, or the default one (no write on read)."""
    row = BrandQuestionnaire.objects.filter(brand=brand).first() if brand is not None else None
    if row is None:
        return DEFAULT
    return Definition(
        questions=_normalise(row.questions),
        concerns=tuple(str(slug) for slug in row.concerns or ()),
        region=row.region,
    )


def match_form(brand, data=None) -> MatchForm:
    """The patient questionnaire as the brand defined it: disabled questions removed, the
    rest in the brand's order with its labels and help texts, and only the offered concerns."""
    definition = definition_for(brand)
    form = MatchForm(data)
    fields = form.fields
    for question in definition.questions:
        if not question.enabled:
            fields.pop(question.key, None)
            continue
        field = fields[question.key]
        if question.label:
            field.label = question.label
        if question.help_text:
            field.help_text = question.help_text
    if "concerns" in fields and definition.concerns:
        offered = set(definition.concerns)
        concerns = cast(forms.ChoiceField, fields["concerns"])
        choices = cast(list[tuple[str, str]], concerns.choices)
        concerns.choices = [c for c in choices if c[0] in offered]
    order = [q.key for q in definition.enabled]
    form.order_fields(order)
    return form


@transaction.atomic
def save_questionnaire(
    *, brand, questions: list[Question], concerns: list[str], acting_user, region: str = ""
) -> BrandQuestionnaire:
    """Store the brand's questionnaire. Every built-in question must appear exactly once, at
    least one must stay enabled, concerns must be active expertise areas and the region an
    ISO code (or empty)."""
    region = normalise_region(region)
    try:
        validate_region(region)
    except ValidationError as exc:
        raise MatchingError(exc.messages[0]) from None
    keys = [q.key for q in questions]
    if sorted(keys) != sorted(QUESTION_KEYS):
        raise MatchingError(_("Every question must appear exactly once."))
    if not any(q.enabled for q in questions):
        raise MatchingError(_("Keep at least one question."))
    known = set(
        ExpertiseArea.objects.filter(is_active=True, slug__in=concerns).values_list(
            "slug", flat=True
        )
    )
    if set(concerns) - known:
        raise MatchingError(_("Choose concerns from the list."))
    row, _created = BrandQuestionnaire.objects.select_for_update().get_or_create(brand=brand)
    row.questions = [
        {
            "key": q.key,
            "enabled": q.enabled,
            "label": q.label.strip()[:LABEL_MAX],
            "help_text": q.help_text.strip()[:HELP_MAX],
        }
        for q in questions
    ]
    row.concerns = sorted(known)
    row.region = region
    row.updated_by = acting_user
    row.save(update_fields=["questions", "concerns", "region", "updated_by", "updated_at"])
    audit.record(acting_user, "questionnaire.saved", row, brand=brand)
    return row


@transaction.atomic
def reset_questionnaire(*, brand, acting_user) -> None:
    """Back to the default questionnaire."""
    deleted, _detail = BrandQuestionnaire.objects.filter(brand=brand).delete()
    if deleted:
        audit.record(acting_user, "questionnaire.reset", brand=brand)
