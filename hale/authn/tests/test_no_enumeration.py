"""Asking for a code, a link or a password reset answers the same whether or not an
account has the address; only the mailbox learns which."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

UNKNOWN = "nobody.here@example.com"


def _visible(response) -> str:
    """The page as a person sees it: without the CSRF token, nonces and the email typed."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = re.sub(r"X-CSRFToken&quot;: &quot;[^&]+&quot;|\"X-CSRFToken\": \"[^\"]+\"", "", html)
    return html


def _follow(client, path, data, email, committed):
    with committed():
        response = client.post(path, data)
    first = (response.status_code, response.get("Location"))
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return first, _visible(page).replace(email, "EMAIL")


@pytest.mark.parametrize(
    "path, data_for",
    [
        ("/accounts/magic-link/", lambda email: {"email": email}),
        ("/accounts/login/code/", lambda email: {"email": email}),
    ],
)
def test_code_and_link_requests_look_the_same_for_known_and_unknown_emails(
    calm, patient_a, anonymous, committed, path, data_for
):
    known = _follow(
        anonymous("calm.localhost"),
        path,
        data_for(patient_a.user.email),
        patient_a.user.email,
        committed,
    )
    unknown = _follow(anonymous("calm.localhost"), path, data_for(UNKNOWN), UNKNOWN, committed)

    assert known == unknown
    assert known[0][0] == 302
    # Each mailbox got exactly one email; only the known one can sign in with it.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([patient_a.user.email, UNKNOWN])


def test_password_reset_looks_the_same_for_known_and_unknown_emails(
    northside, patient_b, anonymous, committed
):
    known = _follow(
        anonymous("northside.localhost"),
        "/accounts/password/reset/",
        {"email": patient_b.user.email},
        patient_b.user.email,
        committed,
    )
    unknown = _follow(
        anonymous("northside.localhost"),
        "/accounts/password/reset/",
        {"email": UNKNOWN},
        UNKNOWN,
        committed,
    )
    assert known == unknown


def test_wrong_password_and_unknown_account_get_the_same_message(northside, patient_b, anonymous):
    wrong = anonymous("northside.localhost").post(
        "/accounts/login/", {"login": patient_b.user.email, "password": "not-the-password"}
    )
    unknown = anonymous("northside.localhost").post(
        "/accounts/login/", {"login": UNKNOWN, "password": "not-the-password"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
