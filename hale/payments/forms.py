"""Forms of payments: the brand's money rules and a refund by hand."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.payments.models import Payment, PaymentSettings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PaymentSettings
        fields = [
            "flow",
            "commission_percent",
            "hold_minutes",
            "pay_before_joining",
            "full_refund_hours",
            "partial_refund_hours",
            "partial_refund_percent",
        ]

    def clean(self):
        cleaned = super().clean()
        full, partial = cleaned.get("full_refund_hours"), cleaned.get("partial_refund_hours")
        if full is not None and partial is not None and full < partial:
            self.add_error(
                "full_refund_hours",
                _("The full-refund notice must be at least the partial-refund notice."),
            )
        return cleaned


class RefundForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount to refund"), max_length=12, help_text=_("For example 25.00.")
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, payment: Payment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.payment = payment

    def clean_amount(self) -> str:
        raw = self.cleaned_data["amount"].strip().replace(",", ".")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount such as 25.00.")) from None
        if value != value.quantize(Decimal("0.01")) or value <= 0:
            raise forms.ValidationError(_("Enter an amount above zero with at most two decimals."))
        minor = int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        if minor > self.payment.refundable_minor:
            raise forms.ValidationError(_("That is more than is left to refund."))
        self.cleaned_data["amount_minor"] = minor
        return raw
