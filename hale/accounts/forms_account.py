"""Forms of My Account (profile, language and time zone)."""

import re

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hale.core.zones import everyday_zones

PHONE = re.compile(r"^\+?[0-9 ()./-]{4,31}$")


class ProfileForm(forms.Form):
    """Your name everywhere, and on a brand's portal the phone number its clinic may use."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("Digits, spaces and + ( ) - only. Your clinic may call you on it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args, with_phone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_phone:
            del self.fields["phone"]

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 4):
            raise forms.ValidationError(_("Enter a phone number, e.g. +1 212 555 0100."))
        return phone


def _zone_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("The time zone of my browser"))] + [
        (zone, zone.replace("_", " ")) for zone in everyday_zones()
    ]


class PreferencesForm(forms.Form):
    """The language pages and emails use, and the time zone times are shown in."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The language of my browser")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False, choices=_zone_choices)
