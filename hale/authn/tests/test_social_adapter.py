"""Social sign-in per brand: only the brand's own apps, patients of that brand, and
addresses verified only when the provider says so."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from hale.accounts.models import Patient, User
from hale.authn.adapter import SocialAccountAdapter
from hale.authn.models import BrandIdentityProvider

pytestmark = pytest.mark.django_db


def _request(host, brand):
    request = RequestFactory().get("/accounts/login/", HTTP_HOST=host)
    SessionMiddleware(lambda r: None).process_request(request)
    request.brand = brand
    return request


def test_each_brand_lists_only_its_own_apps(calm, brand_b, oidc_app):
    brand_b.signin_methods = ["password", "oidc"]
    brand_b.save(update_fields=["signin_methods"])
    calm_app = oidc_app(calm, provider_id="calm-id")
    north_app = oidc_app(brand_b, provider_id="north-id")
    adapter = SocialAccountAdapter()

    assert adapter.list_apps(_request("calm.localhost", calm)) == [calm_app]
    assert adapter.list_apps(_request("northside.localhost", brand_b)) == [north_app]
    assert adapter.list_apps(_request("localhost", None)) == []
    with pytest.raises(calm_app.DoesNotExist):
        adapter.get_app(_request("calm.localhost", calm), provider="north-id")


def test_a_brand_without_single_sign_on_lists_no_apps(northside, oidc_app):
    oidc_app(northside, provider_id="north-id")

    assert SocialAccountAdapter().list_apps(_request("northside.localhost", northside)) == []


def test_social_sign_up_makes_a_patient_of_the_brand(calm):
    request = _request("calm.localhost", calm)
    adapter = SocialAccountAdapter(request)
    login = SocialLogin(
        user=User(email="sso.person@example.com"),
        account=SocialAccount(provider="calm-id", uid="sub-1"),
    )
    adapter.populate_user(request, login, {"email": "sso.person@example.com", "name": "Sso Person"})

    user = adapter.save_user(request, login)

    assert user.full_name == "Sso Person" and not user.has_usable_password()
    patient = Patient.objects.get(brand=calm, user=user)
    assert patient.email == "sso.person@example.com"
    assert SocialAccount.objects.filter(user=user, provider="calm-id", uid="sub-1").exists()


def test_social_sign_up_with_an_invited_email_does_not_make_a_second_record(calm, staff_a):
    from hale.accounts.invitations import create_patient

    invited = create_patient(
        acting_user=staff_a, brand=calm, email="invited@example.com", full_name="Ivy Invited"
    )
    request = _request("calm.localhost", calm)
    login = SocialLogin(
        user=User(email="invited@example.com"),
        account=SocialAccount(provider="calm-id", uid="sub-2"),
    )

    user = SocialAccountAdapter(request).save_user(request, login)

    assert list(Patient.objects.filter(brand=calm, email__iexact="invited@example.com")) == [
        invited
    ]
    invited.refresh_from_db()
    assert invited.user is None  # linked only by accepting the invitation
    assert user.pk


def test_only_the_providers_own_claim_verifies_an_address(calm, oidc_app):
    app = oidc_app(calm, provider_id="calm-id")
    app.settings["verified_email"] = True  # an operator's override is not trusted
    app.save()
    provider = app.get_provider(_request("calm.localhost", calm))

    unverified = provider.sociallogin_from_response(
        None, {"userinfo": {"sub": "1", "email": "a@example.com", "email_verified": False}}
    )
    verified = provider.sociallogin_from_response(
        None, {"userinfo": {"sub": "2", "email": "b@example.com", "email_verified": True}}
    )

    assert [e.verified for e in unverified.email_addresses] == [False]
    assert [e.verified for e in verified.email_addresses] == [True]
    assert not EmailAddress.objects.exists()


def test_an_app_serves_one_brand_and_needs_a_unique_provider_id_and_issuer(calm, brand_b, oidc_app):
    from allauth.socialaccount.models import SocialApp

    app = oidc_app(calm, provider_id="calm-id")
    twin = SocialApp.objects.create(
        provider="openid_connect", provider_id="calm-id", name="Twin", settings={"server_url": "x"}
    )
    with pytest.raises(ValidationError):
        BrandIdentityProvider(brand=brand_b, social_app=twin).full_clean()
    no_issuer = SocialApp.objects.create(provider="openid_connect", provider_id="x-id", name="X")
    with pytest.raises(ValidationError):
        BrandIdentityProvider(brand=brand_b, social_app=no_issuer).full_clean()
    google = SocialApp.objects.create(provider="google", name="G", settings={"server_url": "x"})
    with pytest.raises(ValidationError):
        BrandIdentityProvider(brand=brand_b, social_app=google).full_clean()
    with pytest.raises(ValidationError):  # one brand per app
        BrandIdentityProvider(brand=brand_b, social_app=app).full_clean()
