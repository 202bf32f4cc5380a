"""The patient's discovery forms: the browse filters and the matching questionnaire."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.matching.forms.fields import PriceField, specialisation_choices
from hale.specialists.models import ExpertiseArea
from hale.specialists.vocabulary import SPOKEN_LANGUAGES


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
        self.fields["specialisation"].choices = specialisation_choices()


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
        self.fields["specialisation"].choices = specialisation_choices()
