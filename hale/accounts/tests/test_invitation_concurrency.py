"""Two accepts of one invitation at the same moment give one account link.

These tests commit for real (``transaction=True``) and use threads with their own database
connections; they run on SQLite (writers queue on the database lock) and PostgreSQL (the
row locks in ``accept_invitation``)."""

import threading
import time

import pytest
from django.db import connection, transaction

from conftest import make_user
from hale.accounts import invitations
from hale.accounts.invitations import InvitationError
from hale.accounts.models import PortalInvitation
from hale.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def accept_in_thread(results: list, *, token, user, brand, barrier=None) -> threading.Thread:
    def run():
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            invitations.accept_invitation(token=token, user=user, brand=brand)
            results.append("linked")
        except InvitationError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_accept_waits_for_the_first_and_then_finds_it_used(
    new_patient, staff_a, invite, brand_a
):
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    user = make_user("invitee@example.com")
    results: list[str] = []
    with transaction.atomic():
        invitations.accept_invitation(token=token, user=user, brand=brand_a)
        thread = accept_in_thread(results, token=token, user=user, brand=brand_a)
        time.sleep(0.5)
        # The second accept is held by the lock until the first commits.
        assert thread.is_alive()
        assert results == []
    thread.join(timeout=30)
    assert results == ["already_yours"]
    invitation.refresh_from_db()
    assert invitation.current_status == PortalInvitation.Status.ACCEPTED
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1
    assert AuditEvent.objects.filter(action="patient.linked").count() == 1


def test_two_simultaneous_accepts_link_once(new_patient, staff_a, invite, brand_a):
    patient = new_patient()
    _invitation, token = invite(staff_a, patient)
    user = make_user("invitee@example.com")
    results: list[str] = []
    barrier = threading.Barrier(2)
    threads = [
        accept_in_thread(results, token=token, user=user, brand=brand_a, barrier=barrier)
        for _ in range(2)
    ]
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["already_yours", "linked"]
    patient.refresh_from_db()
    assert patient.user == user
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1
    assert AuditEvent.objects.filter(action="patient.linked").count() == 1
