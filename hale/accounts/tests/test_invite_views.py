"""The patient's side of an invitation on the brand host: the landing page never spends the
token, the confirming POST does, and every bad link gets a clear page and changes nothing."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY as SESSION_KEY_AUTH
from django.core import mail
from django.utils import timezone

from conftest import PASSWORD, make_user
from hale.accounts import invitations
from hale.accounts.models import Patient, PortalInvitation, User
from hale.accounts.views.invite import SESSION_KEY
from hale.core.models import AuditEvent
from hale.core.tokens import hash_token

Status = PortalInvitation.Status
HOST = "calm.localhost"
CONFIRM = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


@pytest.fixture
def pending(new_patient, staff_a, invite):
    """(patient, invitation, token) of a fresh invitation on brand A."""
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    return patient, invitation, token


def assert_unchanged(patient, invitation, status=Status.PENDING):
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.user is None
    assert invitation.current_status == status


def test_opening_the_link_shows_the_invitation_and_spends_nothing(pending, anonymous):
    patient, invitation, token = pending
    client = anonymous(HOST)
    for _ in range(3):  # a mail scanner, a preview, the patient
        response = client.get(f"/invite/{token}/")
        assert response.status_code == 200
    page = response.content.decode()
    assert "Calm Minds" in page
    assert "Casey Staff" in page
    assert "invitee@example.com" in page
    assert "Create your account" in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert_unchanged(patient, invitation)
    assert not AuditEvent.objects.filter(action="invitation.accepted").exists()


def test_sign_up_and_sign_in_links_do_not_carry_the_token(pending, anonymous):
    _patient, _invitation, token = pending
    client = anonymous(HOST)
    page = client.get(f"/invite/{token}/").content.decode()
    assert "/accounts/signup/?next=%2Finvite%2Fcontinue%2F" in page
    assert "/accounts/login/?next=%2Finvite%2Fcontinue%2F" in page
    account_links = re.findall(r'href="(/accounts/[^"]*)"', page)
    assert account_links
    assert not any(token in link for link in account_links)
    # The session keeps only the hash for the way back from sign-up.
    assert client.session[SESSION_KEY] == hash_token(token)
    assert token not in str(dict(client.session.items()))


def test_signed_in_with_the_invited_email_shows_the_accept_button(pending, client_for):
    patient, invitation, token = pending
    user = make_user("invitee@example.com")
    response = client_for(user, HOST).get(f"/invite/{token}/")
    assert response.status_code == 200
    assert "Accept invitation" in response.content.decode()
    assert_unchanged(patient, invitation)


def test_accept_links_the_account_and_lands_on_the_dashboard(pending, client_for):
    patient, invitation, token = pending
    user = make_user("invitee@example.com")
    client = client_for(user, HOST)
    response = client.post(f"/invite/{token}/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert "Welcome to Calm Minds" in response.content.decode()
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.user == user
    assert invitation.current_status == Status.ACCEPTED


def test_signed_in_with_another_email_is_refused_and_changes_nothing(pending, client_for):
    patient, invitation, token = pending
    stranger = make_user("stranger@example.com")
    client = client_for(stranger, HOST)
    page = client.get(f"/invite/{token}/").content.decode()
    assert "Accept invitation" not in page
    assert "stranger@example.com" in page
    response = client.post(f"/invite/{token}/")
    assert response.status_code == 409
    assert "invitee@example.com" in response.content.decode()
    assert "Nothing has been changed" in response.content.decode()
    assert_unchanged(patient, invitation)


def test_anonymous_post_asks_to_sign_in_and_spends_nothing(pending, anonymous):
    patient, invitation, token = pending
    client = anonymous(HOST)
    response = client.post(f"/invite/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Finvite%2Fcontinue%2F"
    assert token not in response["Location"]
    assert_unchanged(patient, invitation)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_altered_link_gets_a_clear_page(pending, client_for, method):
    patient, invitation, token = pending
    client = client_for(make_user("invitee@example.com"), HOST)
    altered = token[:-2] + ("zz" if not token.endswith("zz") else "yy")
    response = getattr(client, method)(f"/invite/{altered}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This invitation link does not work" in page
    assert "Nothing has been changed" in page
    assert_unchanged(patient, invitation)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_gets_a_clear_page(pending, client_for, method):
    patient, invitation, token = pending
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = client_for(make_user("invitee@example.com"), HOST)
    response = getattr(client, method)(f"/invite/{token}/")
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert_unchanged(patient, invitation, Status.EXPIRED)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_revoked_link_gets_a_clear_page(pending, client_for, staff_a, method):
    patient, invitation, token = pending
    invitations.revoke_invitation(acting_user=staff_a, invitation=invitation)
    client = client_for(make_user("invitee@example.com"), HOST)
    response = getattr(client, method)(f"/invite/{token}/")
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    assert_unchanged(patient, invitation, Status.REVOKED)


def test_a_used_link_gets_a_clear_page(pending, client_for):
    patient, invitation, token = pending
    owner = make_user("invitee@example.com")
    client_for(owner, HOST).post(f"/invite/{token}/")
    # Someone else (a forwarded email) opens the link later.
    other = client_for(make_user("other@example.com"), HOST)
    for method in ("get", "post"):
        response = getattr(other, method)(f"/invite/{token}/")
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    patient.refresh_from_db()
    assert patient.user == owner
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1


def test_the_owner_reopening_a_used_link_goes_to_the_dashboard(pending, client_for):
    _patient, _invitation, token = pending
    client = client_for(make_user("invitee@example.com"), HOST)
    client.post(f"/invite/{token}/")
    response = client.get(f"/invite/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_link_does_not_work_on_another_brand(pending, anonymous, patient_b, client_for):
    patient, invitation, token = pending
    assert anonymous("northside.localhost").get(f"/invite/{token}/").status_code == 404
    response = client_for(patient_b.user, "northside.localhost").post(f"/invite/{token}/")
    assert response.status_code == 404
    assert_unchanged(patient, invitation)


def test_continue_without_an_invitation_in_the_session(anonymous, brand_a):
    response = anonymous(HOST).get("/invite/continue/")
    assert response.status_code == 404
    assert "Open the link in the invitation email again" in response.content.decode()


def test_new_patient_signs_up_then_accepts(pending, anonymous):
    """The whole journey through allauth: open link, sign up, come back, accept."""
    patient, invitation, token = pending
    client = anonymous(HOST)
    client.get(f"/invite/{token}/")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "invitee@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/invite/continue/",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/accounts/confirm-email/"
    assert SESSION_KEY_AUTH not in client.session
    user = User.objects.get(email="invitee@example.com")
    # Signing up made no second patient record for the same email.
    assert Patient.objects.filter(brand=patient.brand).count() == 1
    assert_unchanged(patient, invitation)

    # Confirming the emailed link signs in and returns to the invitation.
    [confirm_path] = [
        match.group(1)
        for m in mail.outbox
        if m.to == ["invitee@example.com"] and (match := CONFIRM.search(m.body))
    ]
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert response["Location"] == "/invite/continue/"
    assert client.session[SESSION_KEY_AUTH] == str(user.pk)
    assert_unchanged(patient, invitation)

    page = client.get("/invite/continue/")
    assert page.status_code == 200
    assert "Accept invitation" in page.content.decode()
    response = client.post("/invite/continue/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.user == user
    assert invitation.current_status == Status.ACCEPTED
    assert SESSION_KEY not in client.session


def test_existing_account_signs_in_then_accepts(new_patient, staff_a, invite, anonymous, patient_b):
    """A patient of another brand is invited to this one with the same email."""
    patient = new_patient(email=patient_b.email)
    invitation, token = invite(staff_a, patient)
    client = anonymous(HOST)
    client.get(f"/invite/{token}/")
    response = client.post(
        "/accounts/login/",
        {
            "login": patient_b.email,
            "password": PASSWORD,
            "next": "/invite/continue/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/invite/continue/"
    response = client.post("/invite/continue/")
    assert response["Location"] == "/"
    patient.refresh_from_db()
    assert patient.user == patient_b.user
    # Their record on the other brand is untouched.
    patient_b.refresh_from_db()
    assert patient_b.brand.slug == "northside"
