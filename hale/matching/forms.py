from django import forms
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import Patient
from hale.matching.models import BrandMatching
from hale.specialists.models import ExpertiseArea, Specialisation, Specialist
from hale.specialists.vocabulary import SPOKEN_LANGUAGES


def _specialisation_choices():
    return [("", _("Any specialisation"))] + [
        (s.slug, s.label) for s in Specialisation.objects.filter(is_active=True)
    ]


class PriceField(forms.DecimalField):
    """A price typed in major units (12.50), cleaned to minor units (1250)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=100_000, decimal_places=2, **kwargs)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Search by name or keyword"), required=False, max_length=100)
    specialisation = forms.ChoiceField(label=_("Specialisation"), required=False)
    language = forms.ChoiceField(
        label=_("Session language"),
        required=False,
        choices=[("", _("Any language")), *SPOKEN_LANGUAGES],
    )
    soon = forms.BooleanField(label=_("Available within 7 days"), required=False)
    price_min = PriceField(label=_("Lowest price"), required=False)
    price_max = PriceField(label=_("Highest price"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialisation"].choices = _specialisation_choices()


class MatchForm(forms.Form):
    """The smart-matching questionnaire."""

    concerns = forms.MultipleChoiceField(
        label=_("What would you like help with?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialisation = forms.ChoiceField(label=_("Kind of specialist"), required=False)
    language = forms.ChoiceField(
        label=_("Language for your sessions"),
        required=False,
        choices=[("", _("Any language")), *SPOKEN_LANGUAGES],
    )
    preferred_times = forms.MultipleChoiceField(
        label=_("Times that suit you"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("morning", _("Mornings (8–12)")),
            ("afternoon", _("Afternoons (12–18)")),
            ("evening", _("Evenings (18–22)")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].choices = [
            (a.slug, a.label) for a in ExpertiseArea.objects.filter(is_active=True)
        ]
        self.fields["specialisation"].choices = _specialisation_choices()


class AddListingForm(forms.Form):
    specialist = forms.ModelChoiceField(
        label=_("Specialist to list"), queryset=Specialist.objects.none(), to_field_name="uuid"
    )
    price = PriceField(label=_("Price per session (optional)"), required=False)

    def __init__(self, *args, queryset, patients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = queryset
        if "patient" in self.fields:
            self.fields["patient"].queryset = patients


class ListingPriceForm(forms.Form):
    price = PriceField(label=_("Price per session"), required=False)


class BrandMatchingForm(forms.Form):
    fixed_price = PriceField(label=_("Brand-fixed price per session"), required=False)
    fixed_currency = forms.ChoiceField(
        label=_("Currency"), choices=[("EUR", "EUR"), ("USD", "USD"), ("GBP", "GBP")]
    )
    switching_rule = forms.ChoiceField(
        label=_("Changing specialist"), choices=BrandMatching.Switching.choices
    )


class OverrideForm(forms.Form):
    patient = forms.ModelChoiceField(
        label=_("Patient"), queryset=Patient.objects.none(), to_field_name="uuid"
    )
    specialist = forms.ModelChoiceField(
        label=_("Specialist to assign"), queryset=Specialist.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args, queryset, patients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = queryset
        if "patient" in self.fields:
            self.fields["patient"].queryset = patients
