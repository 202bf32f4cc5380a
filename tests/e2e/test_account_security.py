"""Journeys: a patient turns on two-factor authentication from My Account and signs in with
it (an authenticator code, then a recovery code); a patient adds a passkey and signs in with
it; a signed-in person is warned before the idle timeout signs them out. No page may log a
Content-Security-Policy violation (allauth's scripts, the QR image, our own modules)."""

import re

from django.test import override_settings
from playwright.sync_api import expect

from conftest import PASSWORD, clear_cache
from hale.accounts.tests.security_helpers import totp_code


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


def _sign_in_with_password(page, server, email, assert_accessible=None):
    page.goto(server.url("northside.localhost", "/accounts/login/"))
    if assert_accessible:
        assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _sign_out(page):
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def test_patient_turns_on_two_factor_and_signs_in_with_it(
    page, server, patient_b, assert_accessible
):
    csp_violations = _watch_csp(page)
    email = patient_b.user.email

    _sign_in_with_password(page, server, email, assert_accessible)
    page.get_by_role("banner").get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    assert_accessible(page)

    account_nav = page.get_by_role("navigation", name="Account")
    account_nav.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Two-Factor", re.I))
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Activate").click()

    # Setting up two-factor asks for the password again.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Confirm Access", re.I))
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Activate Authenticator App", re.I)
    )
    qr = page.locator("img.account-qr")
    expect(qr).to_be_visible()
    # The QR code is a data: URI image, which the CSP allows.
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Recovery Codes", re.I))
    assert_accessible(page)
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10

    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Active sessions"
    ).click()
    expect(page.get_by_role("main")).to_contain_text("This device")
    assert_accessible(page)

    _sign_out(page)

    # Password, then the authenticator app.
    clear_cache()  # the activation code may be reused within its 30 s period
    _sign_in_with_password(page, server, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Two-Factor", re.I))
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(
        page.get_by_role("banner").get_by_role("link", name="Account", exact=True)
    ).to_be_visible()

    _sign_out(page)

    # Password, then a recovery code.
    _sign_in_with_password(page, server, email)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(
        page.get_by_role("banner").get_by_role("link", name="Account", exact=True)
    ).to_be_visible()
    page.goto(server.url("northside.localhost", "/accounts/2fa/"))
    expect(page.get_by_role("main")).to_contain_text("9 out of 10 recovery codes")
    assert_accessible(page)

    assert csp_violations == []


# Warning after 6 s, signed out after 12 s (the warning comes at half the timeout when it is
# shorter than four minutes).
@override_settings(SESSION_IDLE_TIMEOUT=12)
def test_idle_warning_keeps_you_signed_in_or_signs_you_out(
    page, server, login, patient_a, assert_accessible
):
    csp_violations = _watch_csp(page)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/account/"))

    dialog = page.get_by_role("dialog", name="Are you still there?")
    expect(dialog).to_be_visible(timeout=12_000)
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog).to_contain_text("You will be signed out in")
    assert_accessible(page)
    stay.click()
    expect(dialog).to_be_hidden()

    # Nobody answers the next warning: the page goes to the sign-in page.
    expect(dialog).to_be_visible(timeout=12_000)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Faccount%2F"), timeout=15_000)
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("signed out after 1 minute without activity")
    assert_accessible(page)
    assert csp_violations == []


@override_settings(MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN=True)  # http:// in tests
def test_patient_adds_a_passkey_and_signs_in_with_it(page, server, patient_b, assert_accessible):
    csp_violations = _watch_csp(page)
    # Chromium's virtual authenticator stands in for a phone or security key.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    _sign_in_with_password(page, server, patient_b.user.email)
    page.goto(server.url("northside.localhost", "/accounts/2fa/webauthn/add/"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Add Security Key", re.I))
    assert_accessible(page)
    page.get_by_label("Name").fill("My laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()

    # Adding the first key also makes recovery codes.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Recovery Codes", re.I))
    page.goto(server.url("northside.localhost", "/accounts/2fa/webauthn/"))
    expect(page.get_by_role("main")).to_contain_text("My laptop")
    assert_accessible(page)
    _sign_out(page)

    # Sign in with the passkey alone.
    page.goto(server.url("northside.localhost", "/accounts/login/"))
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(
        page.get_by_role("banner").get_by_role("link", name="Account", exact=True)
    ).to_be_visible()
    assert csp_violations == []
