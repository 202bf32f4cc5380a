"""The staff listings back office: listing specialists, prices, brand settings and the
override of a patient's specialist."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import Patient
from hale.matching.forms.fields import PriceField
from hale.matching.models import BrandMatching
from hale.specialists.models import Specialist


class AddListingForm(forms.Form):
    specialist = forms.ModelChoiceField(
        label=_("Specialist to list"), queryset=Specialist.objects.none(), to_field_name="uuid"
    )
    price = PriceField(label=_("Price per session (optional)"), required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = queryset


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
