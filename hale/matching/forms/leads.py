"""The staff pick a clinical lead and the specialist they supervise."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.specialists.models import Specialist


class SupervisionForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Clinical lead"), queryset=Specialist.objects.none())
    supervisee = forms.ModelChoiceField(
        label=_("Supervised specialist"), queryset=Specialist.objects.none()
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = queryset
        self.fields["supervisee"].queryset = queryset
        self.fields["lead"].label_from_instance = lambda s: s.display_name
        self.fields["supervisee"].label_from_instance = lambda s: s.display_name
        self.fields["lead"].to_field_name = "uuid"
        self.fields["supervisee"].to_field_name = "uuid"
