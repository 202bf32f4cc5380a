"""Helpers for the sign-in tests: brands with chosen methods, an OIDC app, magic links."""

import re

import pytest
from allauth.socialaccount.models import SocialApp
from django.core import mail

from conftest import clear_cache
from hale.authn.models import BrandIdentityProvider

MAGIC_LINK = re.compile(r"https?://([^/\s]+)/accounts/magic-link/([A-Za-z0-9_-]+)/")
EMAIL_METHODS = ["email_code", "magic_link", "oidc"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps rate-limit counters in the cache (local memory in tests): start clean."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def calm(brand_a):
    """Brand A as in the demo: email code, sign-in link and single sign-on; no password."""
    brand_a.signin_methods = EMAIL_METHODS
    brand_a.save(update_fields=["signin_methods"])
    return brand_a


@pytest.fixture
def northside(brand_b):
    """Brand B as in the demo: password (with optional MFA) only."""
    brand_b.signin_methods = ["password"]
    brand_b.save(update_fields=["signin_methods"])
    return brand_b


@pytest.fixture
def oidc_app():
    """``oidc_app(brand, provider_id)``: an OpenID Connect app linked to ``brand``."""

    def make(brand, provider_id="calm-id", name="Calm ID", issuer="https://id.example.org"):
        app = SocialApp.objects.create(
            provider="openid_connect",
            provider_id=provider_id,
            name=name,
            client_id=f"{provider_id}-client",
            secret="not-a-real-secret",
            settings={"server_url": issuer},
        )
        BrandIdentityProvider.objects.create(brand=brand, social_app=app)
        return app

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's on-commit side effects (the email task): ``with committed(): ...``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def magic_token_from_last_email() -> str:
    return MAGIC_LINK.search(mail.outbox[-1].body).group(2)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")
