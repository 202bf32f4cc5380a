"""Forms of intake: the staff form builder (a formset of questions), sending a form to a
patient, and the patient's own fill-in form (``schema.FillForm``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.intake.models import FieldType


class FormDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Introduction (optional, Markdown)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    session_types = forms.MultipleChoiceField(
        label=_("Send it automatically when one of these session types is booked"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, session_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_type_map = {str(s.uuid): s for s in session_types}
        self.fields["session_types"].choices = [
            (k, f"{s.name} ({s.specialist.display_name})") for k, s in self.session_type_map.items()
        ]

    def clean_session_types(self):
        return [self.session_type_map[k] for k in self.cleaned_data["session_types"]]


class QuestionForm(forms.Form):
    """One question of the builder. A row without a question is skipped (the empty row at
    the end is how a question is added without JavaScript)."""

    key = forms.CharField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Question"), max_length=300, required=False)
    type = forms.ChoiceField(label=_("Answer type"), choices=FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    help = forms.CharField(label=_("Hint (optional)"), max_length=500, required=False)
    choices = forms.CharField(
        label=_("Choices, one per line (for single and multiple choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def row(self) -> dict:
        data = self.cleaned_data
        return {
            "key": data.get("key", ""),
            "label": data.get("label", ""),
            "type": data.get("type"),
            "required": data.get("required", False),
            "help": data.get("help", ""),
            "choices": (data.get("choices") or "").splitlines(),
        }


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=1, can_delete=True, can_order=True, max_num=60, absolute_max=80
)


def rows_from(fields: list[dict]) -> list[dict]:
    """A version's fields as the builder's initial rows."""
    return [
        {
            "key": f["key"],
            "label": f["label"],
            "type": f["type"],
            "required": f["required"],
            "help": f.get("help", ""),
            "choices": "\n".join(f.get("choices", [])),
            "ORDER": n,
        }
        for n, f in enumerate(fields, start=1)
    ]


class SendForm(forms.Form):
    """Send one of the brand's forms to a patient."""

    form = forms.ChoiceField(label=_("Form"))

    def __init__(self, *args, intake_forms, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_map = {str(f.uuid): f for f in intake_forms}
        self.fields["form"].choices = [(k, f.title) for k, f in self.form_map.items()]

    def clean_form(self):
        return self.form_map[self.cleaned_data["form"]]


class StaffSendForm(forms.Form):
    """From the form's page: choose the patient."""

    patient = forms.ChoiceField(label=_("Patient"))

    def __init__(self, *args, patients, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient_map = {str(p.uuid): p for p in patients}
        self.fields["patient"].choices = [
            (k, p.full_name or p.email) for k, p in self.patient_map.items()
        ]

    def clean_patient(self):
        return self.patient_map[self.cleaned_data["patient"]]
