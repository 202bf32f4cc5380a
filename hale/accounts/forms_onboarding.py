"""Forms of the patient onboarding. They parse input; ``hale.accounts.onboarding`` checks the
rules again and saves."""

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hale.accounts import onboarding
from hale.accounts.models import Patient
from hale.core.middleware import browser_time_zone
from hale.core.zones import everyday_zones


class AboutForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=onboarding.NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=onboarding.PHONE_MAX_LENGTH,
        required=False,
        validators=[onboarding.validate_phone],
        help_text=_("With the country code. Your care team uses it if a video call fails."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        validators=[onboarding.validate_date_of_birth],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, asks_date_of_birth: bool, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if asks_date_of_birth:
            self.fields["date_of_birth"].help_text = _("Your care team needs it to identify you.")
        else:
            del self.fields["date_of_birth"]

    @staticmethod
    def initial_for(patient: Patient) -> dict:
        return {
            "full_name": patient.full_name or (patient.user.full_name if patient.user else ""),
            "phone": patient.phone,
            "date_of_birth": patient.date_of_birth,
        }


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Appointment times are shown in this zone."),
        widget=forms.Select(attrs={"data-time-zone-select": ""}),
    )
    # Filled by onboarding-patient.js from the browser; used when the select is left empty.
    detected_time_zone = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-detected-time-zone": ""})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", _("Choose your time zone")),
            *((name, name.replace("_", " ")) for name in everyday_zones()),
        ]
        # Filled in with the detected zone when the select is left empty, so not required here.
        self.fields["time_zone"].required = False

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone") or ""
        if not zone:
            detected = cleaned.get("detected_time_zone") or ""
            zone = detected if detected in everyday_zones() else ""
        if not zone:
            self.add_error("time_zone", _("Choose your time zone."))
        cleaned["time_zone"] = zone
        return cleaned

    @staticmethod
    def initial_for(patient: Patient, request) -> dict:
        """The saved zone, else the browser's (from hale.js's cookie), else nothing (the
        script then fills in the browser's zone, or the person chooses)."""
        return {
            "time_zone": patient.time_zone
            or (patient.user.time_zone if patient.user else "")
            or browser_time_zone(request)
        }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        widget=forms.RadioSelect,
        help_text=_(
            "Pages and emails use this language. You can change it later at the foot of any page."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Each language in its own words, so a person who cannot read this one finds theirs.
        self.fields["language"].choices = [
            (code, translation.get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ]

    @staticmethod
    def initial_for(patient: Patient, active_language: str) -> dict:
        known = dict(settings.LANGUAGES)
        language = (
            patient.language
            or (patient.user.language if patient.user else "")
            or (active_language or "")[:2]
        )
        return {"language": language if language in known else settings.LANGUAGE_CODE}
