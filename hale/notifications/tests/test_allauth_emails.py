"""allauth's emails (password reset, verification, ...) wear the brand of the host."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from hale.notifications.email import render_brand_context

pytestmark = pytest.mark.django_db


def _html(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_password_reset_email_is_themed_for_the_brand_host(patient_a, anonymous, mailoutbox):
    response = anonymous("calm.localhost").post(
        "/accounts/password/reset/", {"email": patient_a.user.email}
    )
    assert response.status_code == 302
    [message] = mailoutbox
    html = _html(message)

    assert "Calm Minds" in html and "#2f6f73" in html
    assert "Hello from Calm Minds!" in message.body
    assert "http://calm.localhost/accounts/password/reset/key/" in message.body
    assert 'href="http://calm.localhost/accounts/password/reset/key/' in html


def test_password_reset_email_on_the_platform_host_wears_hale(specialist, anonymous, mailoutbox):
    anonymous("localhost").post("/accounts/password/reset/", {"email": specialist.user.email})

    [message] = mailoutbox
    html = _html(message)
    assert "Hello from Hale!" in message.body
    assert "Calm Minds" not in html


@pytest.mark.parametrize(
    "prefix",
    [
        "password_changed",
        "password_reset",
        "password_set",
        "email_confirm",
        "email_changed",
        "email_deleted",
        "login_code",
        "password_reset_code",
        "unknown_account",
        "account_already_exists",
        "email_confirmation",
        "email_confirmation_signup",
    ],
)
def test_every_account_email_has_a_themed_html_and_text_version(prefix, brand_a):
    context = {
        **render_brand_context(brand_a),
        "code": "ABC123",
        "ip": "127.0.0.1",
        "user_agent": "Test",
        "timestamp": timezone.now(),
        "email": "someone@example.com",
        "signup_url": "http://calm.localhost/accounts/signup/",
        "password_reset_url": "http://calm.localhost/accounts/password/reset/",
        "activate_url": "http://calm.localhost/accounts/confirm-email/k/",
        "user": None,
        "current_site": None,
    }
    html = render_to_string(f"account/email/{prefix}_message.html", context)
    text = render_to_string(f"account/email/{prefix}_message.txt", context)

    assert html.lstrip().startswith("<!doctype html>")
    assert "Calm Minds" in html and "#2f6f73" in html
    assert "Hello from Calm Minds!" in text
