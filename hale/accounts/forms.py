"""Forms for the patients back office. They only parse input; the actions in
``hale.accounts.invitations`` check the rules and save."""

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hale.accounts.invitations import DEFAULT_EXPIRY_HOURS, MAX_EXPIRY_HOURS, MIN_EXPIRY_HOURS
from hale.core.zones import everyday_zones


def _time_zone_choices() -> list[tuple[str, str | Promise]]:
    zones = everyday_zones()
    return [("", _("The brand's time zone")), *((z, z.replace("_", " ")) for z in zones)]


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name or email"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class PatientForm(forms.Form):
    """A new patient record; portal access is on unless staff untick it."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The patient signs in with this address; invitations are sent to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The brand's language")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False, choices=())
    portal_enabled = forms.BooleanField(
        label=_("Portal access"),
        required=False,
        initial=True,
        help_text=_("Lets the patient sign in to the brand's portal once invited."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _time_zone_choices()


class InvitationForm(forms.Form):
    expires_in_hours = forms.IntegerField(
        label=_("Link valid for (hours)"),
        min_value=MIN_EXPIRY_HOURS,
        max_value=MAX_EXPIRY_HOURS,
        initial=DEFAULT_EXPIRY_HOURS,
        help_text=_("From 1 to 168 hours (7 days). The default is 48 hours."),
    )
