"""Journeys: each sign-in method a brand can offer, end to end in Chromium.

Northside offers a password; Calm Minds offers a one-time code by email, a sign-in link by
email and single sign-on with a real OpenID provider running in a second process on
loopback (``conftest_oidc``). Codes and links are read from the emails the server sent
(``django.core.mail.outbox``: the server runs in this process).
"""

import re

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD
from hale.accounts.models import Patient, User
from hale.authn.models import BrandIdentityProvider

pytest_plugins = ["tests.e2e.conftest_oidc"]

CALM_METHODS = ["email_code", "magic_link", "oidc"]
LINK = re.compile(r"http://calm\.localhost:\d+/accounts/magic-link/[A-Za-z0-9_-]+/")


def _offer(brand, methods):
    brand.signin_methods = methods
    brand.save(update_fields=["signin_methods"])


def _expect_signed_in(page, host_pattern):
    expect(page).to_have_url(re.compile(host_pattern))
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()


def test_patient_signs_in_with_a_password(page, server, brand_b, patient_b, assert_accessible):
    _offer(brand_b, ["password"])
    page.goto(server.url("northside.localhost", "/"))
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Northside Clinic")
    expect(page.get_by_role("link", name="Email me a sign-in code")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Email").fill(patient_b.user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    _expect_signed_in(page, r"^http://northside\.localhost:\d+/")
    assert_accessible(page)


def test_patient_signs_in_with_a_code_sent_by_email(
    page, server, brand_a, patient_a, assert_accessible
):
    _offer(brand_a, CALM_METHODS)
    page.goto(server.url("calm.localhost", "/accounts/login/"))
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Email me a sign-in code").click()
    assert_accessible(page)
    page.get_by_label("Email").fill(patient_a.user.email)
    page.get_by_role("button", name="Send the code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert_accessible(page)

    [message] = mail.outbox
    assert message.to == [patient_a.user.email] and "Calm Minds" in message.body
    code = re.search(r"browser window\.\s+(\S+)\s", message.body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()

    _expect_signed_in(page, r"^http://calm\.localhost:\d+/")
    assert_accessible(page)


def test_patient_signs_in_with_a_link_sent_by_email(
    page, new_page, server, brand_a, patient_a, assert_accessible
):
    _offer(brand_a, CALM_METHODS)
    page.goto(server.url("calm.localhost", "/accounts/login/"))
    page.get_by_role("link", name="Email me a sign-in link").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(patient_a.user.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("status")).to_contain_text("If an account exists")
    assert_accessible(page)

    [message] = mail.outbox
    link = LINK.search(message.body).group(0)
    # A mail scanner opening the link first spends nothing.
    scanner = new_page()
    scanner.goto(link)
    expect(scanner.get_by_role("heading", level=1)).to_have_text("Continue signing in")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Continue signing in")
    assert_accessible(page)
    page.get_by_role("button", name="Continue signing in").click()
    _expect_signed_in(page, r"^http://calm\.localhost:\d+/")
    assert_accessible(page)

    # The link worked once.
    scanner.goto(link)
    expect(scanner.get_by_role("heading", level=1)).to_have_text("This sign-in link does not work")
    assert_accessible(scanner)


def test_patient_signs_up_with_single_sign_on_through_a_real_openid_provider(
    page, server, brand_a, oidc_provider, assert_accessible
):
    _offer(brand_a, CALM_METHODS)
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id=oidc_provider.provider_id,
        name="Test ID",
        client_id=oidc_provider.client_id,
        secret=oidc_provider.client_secret,
        settings={"server_url": oidc_provider.issuer},
    )
    BrandIdentityProvider.objects.create(brand=brand_a, social_app=app)

    page.goto(server.url("calm.localhost", "/accounts/login/"))
    assert_accessible(page)
    page.get_by_role("button", name="Continue with Test ID").click()

    # The provider's own pages: sign in there, then consent.
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/accounts/login/"))
    assert_accessible(page)
    page.get_by_label("Username").fill(oidc_provider.username)
    page.get_by_label("Password").fill(oidc_provider.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Share your Test ID")
    assert_accessible(page)
    page.get_by_role("button", name="Authorize").click()

    _expect_signed_in(page, r"^http://calm\.localhost:\d+/")
    assert_accessible(page)
    user = User.objects.get(email=oidc_provider.email)
    assert user.full_name == oidc_provider.full_name
    assert not user.has_usable_password()
    assert SocialAccount.objects.filter(user=user, provider=oidc_provider.provider_id).exists()
    assert Patient.objects.filter(brand=brand_a, user=user).exists()
