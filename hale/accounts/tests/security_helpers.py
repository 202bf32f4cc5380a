"""Helpers for the My Account / security tests: real sign-ins through allauth's views and
TOTP codes computed with allauth's own HOTP helpers."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

from conftest import PASSWORD, clear_cache


def totp_code(secret: str, at: float | None = None) -> str:
    """The current code of ``secret`` (or the one at ``at``). Near the end of a 30-second
    window it waits for the next one, so the code is still valid when a slow (loaded) browser
    submits it — the server accepts only the current window."""
    if at is None:
        left = 30 - time.time() % 30
        if left < 5:
            time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def sign_in(client, email: str, password: str = PASSWORD):
    """POST the sign-in form (the first step: password)."""
    return client.post("/accounts/login/", {"login": email, "password": password})


def reauthenticate(client, password: str = PASSWORD):
    return client.post("/accounts/reauthenticate/", {"password": password})


def enrol_totp(client) -> tuple[str, list[str]]:
    """Activate an authenticator app through allauth's pages (confirming the password first)
    and return its secret and the recovery codes generated with it."""
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    user_id = client.session["_auth_user_id"]
    rc = Authenticator.objects.get(user_id=user_id, type=Authenticator.Type.RECOVERY_CODES)
    # A code is accepted once per period: let the next sign-in reuse the current one.
    clear_cache()
    return secret, RecoveryCodes(rc).get_unused_codes()
