"""``{% signin_options as signin %}``: what the sign-in and sign-up pages may show."""

from dataclasses import dataclass, field

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from hale.authn.access import IdentityProvider, brand_identity_providers
from hale.authn.methods import EMAIL_CODE, MAGIC_LINK, PASSWORD, local_signup_open, offered_methods

register = template.Library()


@dataclass(frozen=True)
class ProviderButton:
    label: str
    login_url: str


@dataclass(frozen=True)
class SignInOptions:
    password: bool
    email_code: bool
    magic_link: bool
    signup_open: bool
    providers: list[ProviderButton] = field(default_factory=list)

    @property
    def by_email(self) -> bool:
        return self.email_code or self.magic_link

    @property
    def others_than_password(self) -> bool:
        return self.by_email or bool(self.providers)


def _button(provider: IdentityProvider) -> ProviderButton:
    url = reverse("openid_connect_login", kwargs={"provider_id": provider.provider_id})
    return ProviderButton(label=provider.label, login_url=url)


@register.simple_tag(takes_context=True)
def signin_options(context) -> SignInOptions:
    request = context.get("request")
    brand = getattr(request, "brand", None)
    methods = offered_methods(brand)
    return SignInOptions(
        password=PASSWORD in methods,
        email_code=EMAIL_CODE in methods,
        magic_link=MAGIC_LINK in methods,
        signup_open=local_signup_open(brand),
        providers=[_button(p) for p in brand_identity_providers(brand)],
    )


@register.simple_tag
def with_next(url: str, next_url: str | None) -> str:
    """``url`` carrying ``?next=`` when there is somewhere to go back to."""
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
