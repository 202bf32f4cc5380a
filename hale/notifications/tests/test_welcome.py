"""Signing up sends the account.welcome notification on the portal of the sign-up."""

import pytest

from hale.accounts.models import User
from hale.notifications.kinds import PATIENT, PLATFORM
from hale.notifications.models import Notification

pytestmark = pytest.mark.django_db

FORM = {
    "email": "new.person@example.com",
    "password1": "a-long-new-passphrase-7",
    "password2": "a-long-new-passphrase-7",
}


def _welcome_emails(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("Welcome to")]


def test_signing_up_on_a_brand_welcomes_you_on_that_brand(
    brand_a, anonymous, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous("calm.localhost").post("/accounts/signup/", FORM)

    assert response.status_code == 302
    user = User.objects.get(email=FORM["email"])
    welcome = Notification.objects.get(user=user, kind="account.welcome")
    assert (welcome.portal, welcome.brand) == (PATIENT, brand_a)
    assert welcome.title == "Welcome to Calm Minds"
    [email] = _welcome_emails(mailoutbox)
    assert email.to == [FORM["email"]]
    assert email.subject == "Welcome to Calm Minds"
    assert "http://calm.localhost" in email.body or "https://calm.localhost" in email.body


def test_signing_up_on_the_platform_welcomes_you_on_the_platform(
    db, anonymous, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        anonymous("localhost").post("/accounts/signup/", FORM)

    welcome = Notification.objects.get(kind="account.welcome")
    assert (welcome.portal, welcome.brand) == (PLATFORM, None)
    assert [m.subject for m in _welcome_emails(mailoutbox)] == ["Welcome to Hale"]
