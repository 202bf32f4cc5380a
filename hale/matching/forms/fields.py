"""Fields and choices the matching forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.specialists.models import Specialisation


def specialisation_choices():
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
