"""Brand staff edit the matching questionnaire."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.matching.questionnaire import (
    HELP_MAX,
    LABEL_MAX,
    QUESTION_KEYS,
    QUESTION_NAMES,
    Definition,
    Question,
)
from hale.specialists.models import ExpertiseArea
from hale.specialists.validators import normalise_region, validate_region


class QuestionnaireForm(forms.Form):
    """One group of fields per built-in question (ask it, position, label, help text) and the
    concerns offered. Positions order the questions; ties keep the default order."""

    concerns_offered = forms.MultipleChoiceField(
        label=_("Concerns offered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to offer every area of expertise."),
    )
    region = forms.CharField(
        label=_("Region of your patients"),
        required=False,
        max_length=6,
        help_text=_(
            "Optional ISO code such as “ES” or “US-CA”. When set, matching only offers "
            "specialists licensed in this region."
        ),
    )

    def __init__(self, *args, definition: Definition, **kwargs):
        super().__init__(*args, **kwargs)
        positions = {q.key: i + 1 for i, q in enumerate(definition.questions)}
        by_key = {q.key: q for q in definition.questions}
        self.groups = []
        for key in sorted(QUESTION_KEYS, key=lambda k: positions[k]):
            question = by_key[key]
            name = QUESTION_NAMES[key]
            self.fields[f"{key}_enabled"] = forms.BooleanField(
                label=_("Ask this question"), required=False, initial=question.enabled
            )
            self.fields[f"{key}_position"] = forms.IntegerField(
                label=_("Position"),
                min_value=1,
                max_value=len(QUESTION_KEYS),
                initial=positions[key],
            )
            self.fields[f"{key}_label"] = forms.CharField(
                label=_("Question text"),
                required=False,
                max_length=LABEL_MAX,
                initial=question.label,
                help_text=_("Leave empty for the standard wording."),
            )
            self.fields[f"{key}_help_text"] = forms.CharField(
                label=_("Help text"),
                required=False,
                max_length=HELP_MAX,
                initial=question.help_text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.groups.append((key, name, [self[f"{key}_{p}"] for p in _PARTS]))
        cast(forms.MultipleChoiceField, self.fields["concerns_offered"]).choices = [
            (a.slug, a.label) for a in ExpertiseArea.objects.filter(is_active=True)
        ]
        self.fields["concerns_offered"].initial = list(definition.concerns)
        self.fields["region"].initial = definition.region
        # Django keeps fields in insertion order; put the concerns and region last.
        self.order_fields([f for f in self.fields if f not in ("concerns_offered", "region")])

    def clean_region(self) -> str:
        region = normalise_region(self.cleaned_data["region"])
        validate_region(region)
        return region

    def questions(self) -> list[Question]:
        data = self.cleaned_data
        return [
            Question(
                key=key,
                enabled=data[f"{key}_enabled"],
                label=data[f"{key}_label"],
                help_text=data[f"{key}_help_text"],
            )
            for key in sorted(QUESTION_KEYS, key=lambda k: self._sort_key(k, data))
        ]

    def _sort_key(self, key: str, data) -> tuple[int, int, int]:
        # A question moved to a taken position goes before the one that was there.
        position = data[f"{key}_position"]
        moved = position != self.fields[f"{key}_position"].initial
        return (position, 0 if moved else 1, QUESTION_KEYS.index(key))


_PARTS = ("enabled", "position", "label", "help_text")
