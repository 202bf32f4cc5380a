"""Forms of the data rights pages (export and account deletion)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    """The person types their email address to show they mean it."""

    confirm_email = forms.CharField(
        label=_("Type your email address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["confirm_email"].help_text = _("Your email address is %(email)s.") % {
            "email": user.email
        }

    def clean_confirm_email(self) -> str:
        typed = " ".join(self.cleaned_data["confirm_email"].split()).lower()
        if typed != self.user.email.lower():
            raise forms.ValidationError(
                _("That is not your email address. Type it exactly to delete your account.")
            )
        return typed
