"""Helpers for the invitation tests: patients made by staff and invitations with their token
(read back from the email, the only place a raw token exists)."""

import re

import pytest
from django.core import mail

from hale.accounts import invitations
from hale.accounts.models import Patient, PortalInvitation

LINK = re.compile(r"https?://[^/\s]+/invite/([A-Za-z0-9_-]+)/")


def token_from_last_email() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


@pytest.fixture
def new_patient(brand_a, staff_a):
    """A patient record staff of brand A made; no account yet."""

    def make(email="invitee@example.com", full_name="Ivy Invitee", **extra) -> Patient:
        return invitations.create_patient(
            acting_user=staff_a, brand=brand_a, email=email, full_name=full_name, **extra
        )

    return make


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Send an invitation (running the email task) and return it with its raw token."""

    def send(staff, patient, **kwargs) -> tuple[PortalInvitation, str]:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitations.send_invitation(acting_user=staff, patient=patient, **kwargs)
        invitation.refresh_from_db()
        return invitation, token_from_last_email()

    return send
