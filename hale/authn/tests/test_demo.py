"""The demo: Calm Minds by email and single sign-on, Northside by password."""

import pytest
from allauth.socialaccount.models import SocialApp

from hale.authn.demo import seed_demo_signin
from hale.authn.models import BrandIdentityProvider

pytestmark = pytest.mark.django_db


def test_demo_sets_each_brands_methods_once(brand_a, brand_b, monkeypatch):
    monkeypatch.delenv("HALE_DEMO_OIDC_ISSUER", raising=False)
    brands = {"calm": brand_a, "northside": brand_b}
    seed_demo_signin(brands)
    brand_a.refresh_from_db()
    brand_b.refresh_from_db()
    assert brand_a.signin_methods == ["email_code", "magic_link", "oidc"]
    assert brand_b.signin_methods == ["password"]
    assert not SocialApp.objects.exists()

    # A newcomer's own choice survives the next run.
    brand_a.signin_methods = ["password"]
    brand_a.save(update_fields=["signin_methods"])
    seed_demo_signin(brands)
    brand_a.refresh_from_db()
    assert brand_a.signin_methods == ["password"]


def test_demo_links_an_oidc_provider_from_the_environment(brand_a, brand_b, monkeypatch):
    monkeypatch.setenv("HALE_DEMO_OIDC_ISSUER", "http://127.0.0.1:9000/o/")
    monkeypatch.setenv("HALE_DEMO_OIDC_CLIENT_ID", "calm-demo")
    monkeypatch.setenv("HALE_DEMO_OIDC_SECRET", "s3cret")
    brands = {"calm": brand_a, "northside": brand_b}

    seed_demo_signin(brands)
    seed_demo_signin(brands)

    link = BrandIdentityProvider.objects.select_related("social_app").get()
    assert link.brand == brand_a
    assert link.social_app.provider_id == "calm-demo"
    assert link.social_app.settings == {"server_url": "http://127.0.0.1:9000/o"}
    assert link.social_app.secret == "s3cret"
