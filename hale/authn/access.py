"""Scoped reads for sign-in: a brand's identity providers and magic links by token."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from hale.authn.methods import OIDC, offered_methods
from hale.authn.models import OIDC_PROVIDER, BrandIdentityProvider, MagicLink
from hale.core.tokens import hash_token, plausible_token
from hale.tenancy.models import Brand


@dataclass(frozen=True)
class IdentityProvider:
    """What the sign-in page needs to show one provider button."""

    provider_id: str
    label: str
    issuer: str
    authorization_endpoint: str


def brand_identity_providers(brand: Brand | None) -> list[IdentityProvider]:
    """The OpenID Connect providers patients of ``brand`` may use, in button order; none
    when the brand does not offer OIDC sign-in (or on the platform host)."""
    if brand is None or OIDC not in offered_methods(brand):
        return []
    links = (
        BrandIdentityProvider.objects.filter(brand=brand, social_app__provider=OIDC_PROVIDER)
        .exclude(social_app__provider_id="")
        .select_related("social_app")
    )
    result = []
    for link in links:
        app_settings = link.social_app.settings or {}
        overrides = app_settings.get("openid_configuration_overrides") or {}
        result.append(
            IdentityProvider(
                provider_id=link.social_app.provider_id,
                label=link.display_label,
                issuer=str(app_settings.get("server_url", "")),
                authorization_endpoint=str(overrides.get("authorization_endpoint", "")),
            )
        )
    return result


def brand_social_app_ids(brand: Brand | None) -> set[int]:
    """Primary keys of the SocialApps that may answer on ``brand``'s portal."""
    if brand is None or OIDC not in offered_methods(brand):
        return set()
    return set(
        BrandIdentityProvider.objects.filter(brand=brand).values_list("social_app_id", flat=True)
    )


def provider_origins(providers: list[IdentityProvider]) -> list[str]:
    """``scheme://host[:port]`` of each provider's issuer (and of an overridden authorization
    endpoint): where the sign-in page's forms may send the browser."""
    origins: list[str] = []
    for provider in providers:
        for url in (provider.issuer, provider.authorization_endpoint):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origin = f"{parts.scheme}://{parts.netloc}"
                if origin not in origins:
                    origins.append(origin)
    return origins


def magic_link_for_token(token: str, brand: Brand) -> MagicLink | None:
    """The link a token belongs to on ``brand``, whatever its state, or None (unknown,
    altered, or another brand's). Reading never changes anything."""
    if not plausible_token(token):
        return None
    return (
        MagicLink.objects.filter(token_hash=hash_token(token), brand=brand)
        .select_related("user")
        .first()
    )


def has_identity_providers(brand: Brand) -> bool:
    """Whether an OpenID Connect provider is linked to ``brand`` (offered or not)."""
    return brand.pk is not None and BrandIdentityProvider.objects.filter(brand=brand).exists()


def refuse_sso_without_provider(*, brand: Brand, methods: list[str]) -> None:
    """Refuse leaving patients no way in: single sign-on alone needs a provider (connected to
    ``hale.tenancy.forms.signin_methods_chosen``)."""
    from django import forms
    from django.utils.translation import gettext as _

    if methods == [OIDC] and not has_identity_providers(brand):
        raise forms.ValidationError(
            _(
                "No single sign-on provider is set up for this brand yet, so patients could "
                "not sign in. Choose another method too, or ask the platform operator to add "
                "a provider first."
            )
        )
