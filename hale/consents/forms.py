"""Forms of consents: signing, asking a patient to sign, and the staff template editor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.consents.models import Requirement
from hale.core.signatures import SignatureField


class SignForm(forms.Form):
    """The signature, the "legally binding" tick and the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    signature = SignatureField(label=_("Your signature"))
    understood = forms.BooleanField(
        label=_("I understand this signature is legally binding"),
        error_messages={"required": _("Tick the box to confirm you understand.")},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class RequestForm(forms.Form):
    """Ask one patient to sign one of the brand's consents."""

    template = forms.ChoiceField(label=_("Consent"))
    note = forms.CharField(
        label=_("Note to the patient (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {str(t.uuid): t for t in templates}
        self.fields["template"].choices = [(k, t.title) for k, t in self.templates.items()]

    def clean_template(self):
        return self.templates[self.cleaned_data["template"]]


class PatientChoiceForm(RequestForm):
    """The staff version: choose the patient too."""

    patient = forms.ChoiceField(label=_("Patient"))

    def __init__(self, *args, patients, **kwargs):
        super().__init__(*args, **kwargs)
        self.patients = {str(p.uuid): p for p in patients}
        self.fields["patient"].choices = [
            (k, p.full_name or p.email) for k, p in self.patients.items()
        ]

    def clean_patient(self):
        return self.patients[self.cleaned_data["patient"]]


class TemplateForm(forms.Form):
    """A template's rules and its draft text (published versions never change)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    requirement = forms.ChoiceField(label=_("When patients sign it"), choices=Requirement.choices)
    session_type = forms.ChoiceField(
        label=_("Session type (for “before a given session type”)"), required=False
    )
    program = forms.ChoiceField(label=_("Only for members of a program"), required=False)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Published versions never change: publishing makes a new version."),
    )
    resign_on_new_version = forms.BooleanField(
        label=_("Ask patients to sign the new version"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, session_types, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_types = {str(s.uuid): s for s in session_types}
        self.programs = {str(p.uuid): p for p in programs}
        self.fields["session_type"].choices = [("", _("—"))] + [
            (k, f"{s.name} ({s.specialist.display_name})") for k, s in self.session_types.items()
        ]
        self.fields["program"].choices = [("", _("Every patient of the brand"))] + [
            (k, p.name) for k, p in self.programs.items()
        ]

    def clean_session_type(self):
        return self.session_types.get(self.cleaned_data.get("session_type") or "")

    def clean_program(self):
        return self.programs.get(self.cleaned_data.get("program") or "")
