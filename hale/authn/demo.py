"""Demo sign-in methods: Calm Minds signs in by email (code or link) and single sign-on,
Northside Clinic by password with optional two-factor authentication.

Idempotent, and a newcomer's own choice survives the next run: a brand's methods are set
once (an audit row marks it), and the OpenID Connect app is linked only when
``HALE_DEMO_OIDC_ISSUER``, ``HALE_DEMO_OIDC_CLIENT_ID`` and ``HALE_DEMO_OIDC_SECRET`` are set
(there is no provider running in ``make run``; see README "Sign-in methods").
"""

from allauth.socialaccount.models import SocialApp

from hale.authn.models import OIDC_PROVIDER, BrandIdentityProvider
from hale.core import audit
from hale.core.env import env_secret, env_str
from hale.core.models import AuditEvent
from hale.tenancy.models import Brand

DEMO_METHODS = {
    "calm": ["email_code", "magic_link", "oidc"],
    "northside": ["password"],
}
SEEDED = "brand.signin_methods_seeded"
DEMO_PROVIDER_ID = "calm-demo"


def seed_demo_signin(brands: dict[str, Brand]) -> None:
    for slug, methods in DEMO_METHODS.items():
        brand = brands.get(slug)
        if brand is None or AuditEvent.objects.filter(action=SEEDED, brand=brand).exists():
            continue
        brand.signin_methods = methods
        brand.save(update_fields=["signin_methods"])
        audit.record(None, SEEDED, brand, brand=brand, methods=methods)
    if "calm" in brands:
        seed_demo_identity_provider(brands["calm"])


def seed_demo_identity_provider(brand: Brand) -> BrandIdentityProvider | None:
    """Link the OpenID Connect provider named by the environment to ``brand``, or do
    nothing when it is not configured."""
    issuer = env_str("HALE_DEMO_OIDC_ISSUER", "").rstrip("/")
    client_id = env_str("HALE_DEMO_OIDC_CLIENT_ID", "")
    secret = env_secret("HALE_DEMO_OIDC_SECRET", "")
    if not (issuer and client_id):
        return None
    app, _created = SocialApp.objects.update_or_create(
        provider=OIDC_PROVIDER,
        provider_id=DEMO_PROVIDER_ID,
        defaults={
            "name": env_str("HALE_DEMO_OIDC_LABEL", "Demo ID"),
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": issuer},
        },
    )
    link, _created = BrandIdentityProvider.objects.get_or_create(
        social_app=app, defaults={"brand": brand}
    )
    return link
