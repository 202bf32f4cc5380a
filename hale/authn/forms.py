"""Forms for sign-in: the sign-up form that drops passwords on passwordless portals, and
the request for a sign-in link."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hale.authn.methods import PASSWORD, offered_methods


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form; on a portal without passwords it asks for no password (the
    account gets an unusable one and the email is verified by code before sign-in)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = allauth_context.request
        self.passwordless = PASSWORD not in offered_methods(getattr(request, "brand", None))
        if self.passwordless:
            self.fields.pop("password1", None)
            self.fields.pop("password2", None)

    def validate_unique_email(self, value):
        """On a passwordless portal a taken address is not an error: allauth then emails
        that mailbox ("you already have an account") and answers exactly as for a new
        sign-up, since both must confirm the email first. (With passwords, allauth's
        optional verification signs a new account in at once, so the difference shows
        anyway; there allauth's message stays.)"""
        if not self.passwordless:
            return super().validate_unique_email(value)
        self.account_already_exists = (
            get_user_model().objects.filter(email__iexact=value).exists()
            or EmailAddress.objects.filter(email__iexact=value).exists()
        )
        return value


class MagicLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
