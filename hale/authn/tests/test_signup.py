"""Sign-up on a portal without passwords asks for none and signs in only after the email
is confirmed; on a password portal it keeps the password (and signs in once the email is
confirmed too)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from conftest import PASSWORD
from hale.accounts.models import Patient, User
from hale.authn.tests.conftest import signed_in_user_id

pytestmark = pytest.mark.django_db

CONFIRM = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def test_passwordless_sign_up_confirms_the_email_before_signing_in(calm, anonymous):
    client = anonymous("calm.localhost")
    form = client.get("/accounts/signup/").content.decode()
    assert 'type="password"' not in form and "No password needed" in form

    response = client.post("/accounts/signup/", {"email": "new.patient@example.com"})

    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    user = User.objects.get(email="new.patient@example.com")
    assert not user.has_usable_password()
    assert Patient.objects.filter(brand=calm, user=user).exists()
    [message] = mail.outbox
    assert message.to == ["new.patient@example.com"] and "Calm Minds" in message.body
    confirm_path = CONFIRM.search(message.body).group(1)

    assert client.get(confirm_path).status_code == 200
    assert signed_in_user_id(client) is None
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_passwordless_sign_up_with_a_taken_email_looks_the_same_and_changes_nothing(
    calm, patient_a, anonymous
):
    fresh = anonymous("calm.localhost").post("/accounts/signup/", {"email": "fresh@example.com"})
    taken = anonymous("calm.localhost").post("/accounts/signup/", {"email": patient_a.user.email})

    assert (fresh.status_code, fresh["Location"]) == (taken.status_code, taken["Location"])
    # Only the mailbox learns the difference.
    [to_taken] = [m for m in mail.outbox if m.to == [patient_a.user.email]]
    assert "already" in to_taken.body
    assert User.objects.filter(email=patient_a.user.email).count() == 1
    patient_a.user.refresh_from_db()
    assert patient_a.user.has_usable_password()


def test_password_posted_to_a_passwordless_sign_up_is_ignored(calm, anonymous):
    anonymous("calm.localhost").post(
        "/accounts/signup/",
        {
            "email": "sneaky@example.com",
            "password1": "a-long-enough-password-9",
            "password2": "a-long-enough-password-9",
        },
    )
    assert not User.objects.get(email="sneaky@example.com").has_usable_password()


def test_sign_up_on_a_password_portal_keeps_the_password(northside, anonymous):
    client = anonymous("northside.localhost")
    assert 'type="password"' in client.get("/accounts/signup/").content.decode()

    response = client.post(
        "/accounts/signup/",
        {
            "email": "pw.patient@example.com",
            "password1": "a-long-enough-password-9",
            "password2": "a-long-enough-password-9",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="pw.patient@example.com")
    assert user.check_password("a-long-enough-password-9")
    assert Patient.objects.filter(brand=northside, user=user).exists()
    # Signed in only once the emailed link is confirmed (no account enumeration on sign-up).
    assert signed_in_user_id(client) is None
    [message] = mail.outbox
    confirm_path = CONFIRM.search(message.body).group(1)
    assert client.post(confirm_path).status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_password_sign_up_with_a_taken_email_looks_the_same_and_changes_nothing(
    northside, patient_b, anonymous
):
    owner = patient_b.user
    form = {"password1": "a-long-enough-password-9", "password2": "a-long-enough-password-9"}
    fresh_client, taken_client = anonymous("northside.localhost"), anonymous("northside.localhost")
    fresh = fresh_client.post("/accounts/signup/", {"email": "fresh@example.com", **form})
    taken = taken_client.post("/accounts/signup/", {"email": owner.email.upper(), **form})

    assert (fresh.status_code, fresh["Location"]) == (taken.status_code, taken["Location"])
    fresh_page = fresh_client.get(fresh["Location"])
    taken_page = taken_client.get(taken["Location"])
    assert fresh_page.status_code == taken_page.status_code == 200
    assert "Northside Clinic" in taken_page.content.decode()
    assert "Verify Your Email Address" in taken_page.content.decode()
    assert signed_in_user_id(taken_client) is None
    # Only the mailbox learns the difference: the owner is told an account already exists.
    [to_owner] = [m for m in mail.outbox if m.to == [owner.email]]
    assert "already" in to_owner.body and CONFIRM.search(to_owner.body) is None
    assert User.objects.filter(email__iexact=owner.email).count() == 1
    assert Patient.objects.filter(brand=northside).count() == 2  # patient_b + fresh@
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
