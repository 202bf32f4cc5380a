"""Listing requests: a specialist asking a brand to list them, and staff declining one."""

from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hale.matching.actions import DECLINE_REASON_MAX_LENGTH
from hale.matching.models import ListingRequest
from hale.tenancy.models import Brand


class ListingRequestForm(forms.Form):
    """``brands``: the brands offered (those the specialist may ask) when shown; on submit
    every active brand, so that one already listing the specialist, or already holding their
    request, gets the action's own explanation rather than a bare "invalid choice"."""

    brand = forms.ModelChoiceField(
        label=_("Brand"),
        queryset=Brand.objects.none(),
        to_field_name="uuid",
        empty_label=_("Choose a brand"),
        error_messages={"invalid_choice": _("Choose a brand from the list.")},
    )
    message = forms.CharField(
        label=_("Message to the brand's staff (optional)"),
        required=False,
        max_length=ListingRequest.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, brands, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(brands)

    def offer(self, brands: QuerySet[Brand]) -> None:
        """Show (and accept) ``brands``."""
        cast(forms.ModelChoiceField, self.fields["brand"]).queryset = brands


class DeclineListingRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=DECLINE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the specialist a reason.")},
    )
