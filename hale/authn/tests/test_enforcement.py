"""A method the brand does not offer is not shown, and its URLs answer 404 and change
nothing (hale.authn.middleware.SignInMethodsMiddleware)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from conftest import PASSWORD
from hale.authn.links import mint_magic_link
from hale.authn.models import MagicLink
from hale.authn.tests.conftest import signed_in_user_id

pytestmark = pytest.mark.django_db


def test_login_page_of_a_passwordless_brand_shows_only_its_methods(calm, oidc_app, anonymous):
    oidc_app(calm, provider_id="calm-id", name="Calm ID")
    page = anonymous("calm.localhost").get("/accounts/login/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="password"' not in html
    assert "Email me a sign-in code" in html
    assert "Email me a sign-in link" in html
    assert "Continue with Calm ID" in html
    assert 'action="/accounts/oidc/calm-id/login/"' in html
    assert "Forgot" not in html and "passkey" not in html.lower()


def test_login_page_of_a_password_brand_shows_only_the_password_form(northside, anonymous):
    html = anonymous("northside.localhost").get("/accounts/login/").content.decode()

    assert 'type="password"' in html
    assert "Sign in with a passkey" in html
    assert "sign-in code" not in html and "sign-in link" not in html
    assert "/accounts/oidc/" not in html


def test_password_sign_in_is_refused_where_password_is_not_offered(calm, patient_a, anonymous):
    client = anonymous("calm.localhost")
    response = client.post(
        "/accounts/login/", {"login": patient_a.user.email, "password": PASSWORD}
    )

    assert response.status_code == 404
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-set-password/",
        "/accounts/password/reset/key/done/",
        "/accounts/password/set/",
        "/accounts/password/change/",
        "/accounts/2fa/webauthn/login/",
    ],
)
def test_password_pages_answer_404_without_password(calm, patient_a, client_for, path):
    client = client_for(patient_a.user, "calm.localhost")
    old_hash = patient_a.user.password

    assert client.get(path).status_code == 404
    response = client.post(
        path,
        {
            "email": patient_a.user.email,
            "password1": "a-new-long-password-1",
            "password2": "a-new-long-password-1",
            "oldpassword": PASSWORD,
        },
    )
    assert response.status_code == 404
    patient_a.user.refresh_from_db()
    assert patient_a.user.password == old_hash
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/accounts/login/code/", "/accounts/login/code/confirm/"])
def test_email_code_urls_answer_404_where_codes_are_not_offered(
    northside, patient_b, anonymous, path
):
    client = anonymous("northside.localhost")

    assert client.get(path).status_code == 404
    assert client.post(path, {"email": patient_b.user.email, "code": "123456"}).status_code == 404
    assert mail.outbox == []
    assert signed_in_user_id(client) is None


def test_magic_link_urls_answer_404_where_links_are_not_offered(
    northside, patient_b, anonymous, committed
):
    minted = mint_magic_link(
        brand=northside,
        user=patient_b.user,
        email=patient_b.user.email,
        next_url="",
        request_id="5f0d4d1e-0000-4000-8000-000000000001",
    )
    link, token = minted
    client = anonymous("northside.localhost")

    with committed():
        assert client.get("/accounts/magic-link/").status_code == 404
        assert (
            client.post("/accounts/magic-link/", {"email": patient_b.user.email}).status_code == 404
        )
    assert client.get("/accounts/magic-link/sent/").status_code == 404
    assert client.get(f"/accounts/magic-link/{token}/").status_code == 404
    assert client.post(f"/accounts/magic-link/{token}/").status_code == 404

    link.refresh_from_db()
    assert link.used_at is None
    assert MagicLink.objects.count() == 1
    assert mail.outbox == []
    assert signed_in_user_id(client) is None


def test_oidc_urls_answer_404_where_single_sign_on_is_not_offered(northside, oidc_app, anonymous):
    oidc_app(northside, provider_id="north-id")
    client = anonymous("northside.localhost")

    assert client.get("/accounts/oidc/north-id/login/").status_code == 404
    assert client.post("/accounts/oidc/north-id/login/").status_code == 404
    assert client.get("/accounts/oidc/north-id/login/callback/?code=x&state=y").status_code == 404
    assert client.get("/accounts/3rdparty/signup/").status_code == 404


def test_another_brands_oidc_app_is_neither_shown_nor_answered(calm, brand_b, oidc_app, anonymous):
    brand_b.signin_methods = ["oidc", "password"]
    brand_b.save(update_fields=["signin_methods"])
    oidc_app(calm, provider_id="calm-id", name="Calm ID")
    oidc_app(brand_b, provider_id="north-id", name="North ID")
    client = anonymous("calm.localhost")

    html = client.get("/accounts/login/").content.decode()
    assert "Calm ID" in html and "North ID" not in html
    response = client.post("/accounts/oidc/north-id/login/", {"process": "login"})
    assert response.status_code == 404
    assert client.get("/accounts/oidc/north-id/login/callback/?code=x&state=y").status_code == 404


def test_login_page_lets_its_forms_reach_the_brands_provider(calm, oidc_app, anonymous):
    """Starting a social sign-in answers the form's POST with a redirect to the provider,
    which the browser checks against the page's CSP form-action."""
    app = oidc_app(calm, provider_id="calm-id", issuer="https://id.example.org/realm")
    app.settings["openid_configuration_overrides"] = {
        "authorization_endpoint": "https://login.example.net/authorize"
    }
    app.save()
    client = anonymous("calm.localhost")

    csp = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "form-action 'self' https://id.example.org https://login.example.net;" in csp + ";"
    assert "script-src 'self' 'nonce-" in csp
    other = client.get("/help/").headers["Content-Security-Policy"]
    assert "id.example.org" not in other


def test_platform_host_offers_password_and_email_code_only(specialist, anonymous, oidc_app, calm):
    oidc_app(calm, provider_id="calm-id")
    client = anonymous("localhost")

    html = client.get("/accounts/login/").content.decode()
    assert 'type="password"' in html and "Email me a sign-in code" in html
    assert "sign-in link" not in html and "/accounts/oidc/" not in html
    assert client.get("/accounts/login/code/").status_code == 200
    assert client.get("/accounts/oidc/calm-id/login/").status_code == 404
    assert client.get("/accounts/magic-link/").status_code == 404
    assert "example.org" not in client.get("/accounts/login/").headers["Content-Security-Policy"]


def test_sign_up_is_closed_on_a_brand_with_single_sign_on_only(brand_a, oidc_app, anonymous):
    oidc_app(brand_a)
    brand_a.signin_methods = ["oidc"]
    brand_a.save(update_fields=["signin_methods"])
    client = anonymous("calm.localhost")

    assert client.get("/accounts/signup/").status_code == 404
    response = client.post("/accounts/signup/", {"email": "new@example.com"})
    assert response.status_code == 404
    assert not EmailAddress.objects.filter(email="new@example.com").exists()
    assert "Create an account" not in client.get("/accounts/login/").content.decode()


def test_password_sign_in_works_where_offered(northside, patient_b, anonymous):
    client = anonymous("northside.localhost")
    response = client.post(
        "/accounts/login/", {"login": patient_b.user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(patient_b.user.pk)
