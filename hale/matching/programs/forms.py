"""Forms for programs: the staff back office and the member's flow."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.matching.models import Organization, Program


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)


class ProgramForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    name = forms.CharField(label=_("Program name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    eligibility = forms.ChoiceField(label=_("Eligibility"), choices=Program.Eligibility.choices)
    access_code = forms.CharField(
        label=_("Access code"),
        required=False,
        max_length=64,
        help_text=_("Printed on flyers. Spaces and letter case do not matter."),
    )
    email_domains = forms.CharField(
        label=_("Email domains"),
        required=False,
        help_text=_("One or more, separated by commas, e.g. acme.example"),
    )
    covered_sessions = forms.IntegerField(
        label=_("Covered sessions per member"), min_value=0, max_value=500
    )
    matching_mode = forms.ChoiceField(label=_("Matching"), choices=Program.Matching.choices)
    consent_markdown = forms.CharField(
        label=_("Required consent (Markdown)"), widget=forms.Textarea
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(brand=brand).order_by(
            "name"
        )

    def clean_email_domains(self) -> list[str]:
        raw = self.cleaned_data.get("email_domains", "")
        domains = [d.strip().lstrip("@").lower() for d in raw.replace("\n", ",").split(",")]
        domains = [d for d in domains if d]
        for d in domains:
            if "." not in d or " " in d or "@" in d:
                raise forms.ValidationError(_("“%(d)s” is not a domain name.") % {"d": d})
        return domains

    def clean(self):
        data = super().clean()
        mode = data.get("eligibility")
        if (
            mode == Program.Eligibility.CODE
            and len("".join(data.get("access_code", "").split())) < 6
        ):
            self.add_error("access_code", _("Access codes need at least 6 characters."))
        if mode == Program.Eligibility.DOMAIN and not data.get("email_domains"):
            self.add_error("email_domains", _("Give at least one email domain."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (CSV)"),
        help_text=_("Columns: email, and optionally external_id. The first row names the columns."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class AccessCodeForm(forms.Form):
    code = forms.CharField(label=_("Access code"), max_length=64, required=False)


class ConsentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(label=_("I have read and accept this consent"))
