"""The invitation rules, through the actions: expiry, the limit of three, revoking, portal
access, accepting, and tokens stored only as hashes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_user
from hale.accounts import invitations
from hale.accounts.invitations import InvitationError
from hale.accounts.models import Patient, PortalInvitation
from hale.core.models import AuditEvent
from hale.core.tokens import hash_token
from hale.notifications.models import Notification

Status = PortalInvitation.Status


def expire(invitation: PortalInvitation) -> None:
    """Move the invitation's expiry into the past (as if 48 hours went by, no worker ran)."""
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    invitation.refresh_from_db()


# --- Creating patients -----------------------------------------------------------------------


def test_staff_create_a_patient_without_an_account(new_patient, brand_a, staff_a):
    patient = new_patient(email="  Ivy@Example.COM ")
    assert patient.brand == brand_a
    assert patient.user is None
    assert patient.email == "ivy@example.com"
    assert patient.portal_enabled is True
    assert AuditEvent.objects.filter(
        action="patient.created", actor=staff_a, object_id=str(patient.pk)
    ).exists()


def test_one_patient_per_email_on_a_brand(new_patient, staff_b, brand_b):
    new_patient(email="ivy@example.com")
    with pytest.raises(InvitationError) as exc:
        new_patient(email="IVY@example.com")
    assert exc.value.code == "duplicate_email"
    assert Patient.objects.filter(email__iexact="ivy@example.com").count() == 1
    # Another brand may have its own record for the same person.
    invitations.create_patient(
        acting_user=staff_b, brand=brand_b, email="ivy@example.com", full_name="Ivy"
    )
    assert Patient.objects.filter(email="ivy@example.com").count() == 2


def test_staff_of_another_brand_cannot_create_a_patient(staff_b, brand_a):
    with pytest.raises(PermissionDenied):
        invitations.create_patient(
            acting_user=staff_b, brand=brand_a, email="x@example.com", full_name="X"
        )
    assert not Patient.objects.filter(email="x@example.com").exists()


# --- Sending ----------------------------------------------------------------------------------


def test_invitation_expires_in_48_hours_by_default(new_patient, staff_a, invite):
    before = timezone.now()
    invitation, _token = invite(staff_a, new_patient())
    assert invitation.current_status == Status.PENDING
    assert invitation.email == "invitee@example.com"
    assert invitation.created_by == staff_a
    lasted = invitation.expires_at - invitation.created_at
    assert lasted == timedelta(hours=48)
    assert invitation.created_at >= before
    assert invitation.email_sent_at is not None


@pytest.mark.parametrize("hours", [0, -1, 169, 1000, "abc", None])
def test_expiry_must_be_between_one_hour_and_seven_days(new_patient, staff_a, hours):
    patient = new_patient()
    with pytest.raises(InvitationError) as exc:
        invitations.send_invitation(acting_user=staff_a, patient=patient, expires_in_hours=hours)
    assert exc.value.code == "bad_expiry"
    assert not PortalInvitation.objects.exists()


@pytest.mark.parametrize("hours", [1, 168])
def test_expiry_limits_are_allowed(new_patient, staff_a, hours):
    invitation = invitations.send_invitation(
        acting_user=staff_a, patient=new_patient(), expires_in_hours=hours
    )
    assert invitation.expires_at - invitation.created_at == timedelta(hours=hours)


def test_at_most_three_pending_invitations_per_patient(new_patient, staff_a):
    patient = new_patient()
    for _ in range(3):
        invitations.send_invitation(acting_user=staff_a, patient=patient)
    with pytest.raises(InvitationError) as exc:
        invitations.send_invitation(acting_user=staff_a, patient=patient)
    assert exc.value.code == "too_many_pending"
    assert "3" in exc.value.message
    assert patient.invitations.count() == 3


def test_expired_and_revoked_invitations_do_not_count_towards_the_limit(new_patient, staff_a):
    patient = new_patient()
    first, second, third = (
        invitations.send_invitation(acting_user=staff_a, patient=patient) for _ in range(3)
    )
    expire(first)
    invitations.revoke_invitation(acting_user=staff_a, invitation=second)
    invitations.send_invitation(acting_user=staff_a, patient=patient)
    invitations.send_invitation(acting_user=staff_a, patient=patient)
    assert patient.invitations.pending().count() == 3


def test_no_invitation_without_portal_access(new_patient, staff_a):
    patient = new_patient(portal_enabled=False)
    with pytest.raises(InvitationError) as exc:
        invitations.send_invitation(acting_user=staff_a, patient=patient)
    assert exc.value.code == "portal_disabled"
    assert not PortalInvitation.objects.exists()


def test_staff_of_another_brand_cannot_invite(new_patient, staff_b):
    patient = new_patient()
    with pytest.raises(PermissionDenied):
        invitations.send_invitation(acting_user=staff_b, patient=patient)
    assert not PortalInvitation.objects.exists()


def test_the_email_is_brand_themed_and_shows_the_expiry_with_its_zone(new_patient, staff_a, invite):
    invitation, token = invite(staff_a, new_patient())
    message = mail.outbox[-1]
    assert message.to == ["invitee@example.com"]
    assert "Calm Minds" in message.subject
    assert "Calm Minds" in message.from_email
    assert f"://calm.localhost:8000/invite/{token}/" in message.body
    assert "Casey Staff" in message.body
    assert "(Europe/London)" in message.body
    html = message.alternatives[0][0]
    assert "#2f6f73" in html
    assert f"/invite/{token}/" in html


def test_the_email_shows_times_in_the_patients_time_zone(new_patient, staff_a, invite):
    invite(staff_a, new_patient(time_zone="America/Bogota"))
    assert "(America/Bogota)" in mail.outbox[-1].body


# --- Tokens -----------------------------------------------------------------------------------


def test_token_is_random_and_stored_only_as_its_hash(new_patient, staff_a, invite):
    invitation, token = invite(staff_a, new_patient())
    assert len(token) >= 43  # 32 random bytes
    assert invitation.token_hash == hash_token(token)
    assert invitation.token_hash != token
    row = PortalInvitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in row.values())
    audit_data = list(AuditEvent.objects.values_list("data", flat=True))
    assert not any(token in str(data) for data in audit_data)


def test_each_invitation_gets_its_own_token(new_patient, staff_a, invite):
    patient = new_patient()
    first, token_1 = invite(staff_a, patient)
    second, token_2 = invite(staff_a, patient)
    assert token_1 != token_2
    assert first.token_hash != second.token_hash


def test_email_task_is_idempotent(new_patient, staff_a, invite):
    invitation, token = invite(staff_a, new_patient())
    invitations.send_invitation_email.call(invitation.pk)
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(token)


def test_a_failed_email_is_retried_with_a_fresh_token(
    new_patient, staff_a, monkeypatch, django_capture_on_commit_callbacks
):
    patient = new_patient()
    calls = {"n": 0}
    real = invitations.render_invitation_email

    def flaky(invitation, token):
        calls["n"] += 1
        calls.setdefault("tokens", []).append(token)
        if calls["n"] == 1:
            raise ConnectionError("SMTP down")
        return real(invitation, token)

    monkeypatch.setattr(invitations, "render_invitation_email", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.send_invitation(acting_user=staff_a, patient=patient)
    invitation.refresh_from_db()
    assert len(mail.outbox) == 1
    first, second = calls["tokens"]
    assert first != second
    assert invitation.token_hash == hash_token(second)
    assert f"/invite/{second}/" in mail.outbox[0].body


def test_no_email_for_an_invitation_revoked_before_the_task_ran(new_patient, staff_a):
    invitation = invitations.send_invitation(acting_user=staff_a, patient=new_patient())
    invitations.revoke_invitation(acting_user=staff_a, invitation=invitation)
    invitations.send_invitation_email.call(invitation.pk)
    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.token_hash is None


# --- Revoking and portal access ---------------------------------------------------------------


def test_staff_revoke_a_pending_invitation(new_patient, staff_a, invite, patient_a):
    invitation, token = invite(staff_a, new_patient())
    invitations.revoke_invitation(acting_user=staff_a, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.current_status == Status.REVOKED
    assert invitation.revoked_by == staff_a
    assert invitation.revoke_reason == PortalInvitation.RevokeReason.STAFF
    assert AuditEvent.objects.filter(
        action="invitation.revoked", object_id=str(invitation.pk)
    ).exists()


def test_only_pending_invitations_can_be_revoked(new_patient, staff_a):
    invitation = invitations.send_invitation(acting_user=staff_a, patient=new_patient())
    expire(invitation)
    with pytest.raises(InvitationError) as exc:
        invitations.revoke_invitation(acting_user=staff_a, invitation=invitation)
    assert exc.value.code == "not_pending"
    invitation.refresh_from_db()
    assert invitation.status == Status.PENDING
    assert invitation.current_status == Status.EXPIRED


def test_staff_of_another_brand_cannot_revoke(new_patient, staff_a, staff_b):
    invitation = invitations.send_invitation(acting_user=staff_a, patient=new_patient())
    with pytest.raises(PermissionDenied):
        invitations.revoke_invitation(acting_user=staff_b, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.current_status == Status.PENDING


def test_turning_portal_access_off_revokes_pending_invitations(new_patient, staff_a):
    patient = new_patient()
    pending = invitations.send_invitation(acting_user=staff_a, patient=patient)
    old = invitations.send_invitation(acting_user=staff_a, patient=patient)
    expire(old)
    invitations.set_portal_access(acting_user=staff_a, patient=patient, enabled=False)
    patient.refresh_from_db()
    pending.refresh_from_db()
    old.refresh_from_db()
    assert patient.portal_enabled is False
    assert pending.current_status == Status.REVOKED
    assert pending.revoke_reason == PortalInvitation.RevokeReason.PORTAL_DISABLED
    assert old.current_status == Status.EXPIRED  # history is not rewritten
    event = AuditEvent.objects.get(action="patient.portal_disabled")
    assert event.data["revoked_invitations"] == [str(pending.uuid)]


def test_portal_access_can_be_turned_on_again_and_a_new_invitation_sent(new_patient, staff_a):
    patient = new_patient()
    invitations.set_portal_access(acting_user=staff_a, patient=patient, enabled=False)
    invitations.set_portal_access(acting_user=staff_a, patient=patient, enabled=True)
    patient.refresh_from_db()
    assert patient.portal_enabled is True
    invitation = invitations.send_invitation(acting_user=staff_a, patient=patient)
    assert invitation.current_status == Status.PENDING


def test_setting_the_same_portal_access_twice_records_nothing_new(new_patient, staff_a):
    patient = new_patient()
    invitations.set_portal_access(acting_user=staff_a, patient=patient, enabled=True)
    assert not AuditEvent.objects.filter(action__startswith="patient.portal_").exists()


# --- Accepting --------------------------------------------------------------------------------


@pytest.fixture
def invitee(db):
    return make_user("invitee@example.com", full_name="Ivy Invitee")


def test_accepting_links_the_account_to_the_patient(
    new_patient, staff_a, invite, invitee, brand_a, django_capture_on_commit_callbacks
):
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    with django_capture_on_commit_callbacks(execute=True):
        linked = invitations.accept_invitation(token=token, user=invitee, brand=brand_a)
    assert linked.pk == patient.pk
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.user == invitee
    assert invitation.current_status == Status.ACCEPTED
    assert invitation.accepted_by == invitee
    assert invitation.accepted_at is not None
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=invitee).exists()
    assert AuditEvent.objects.filter(action="patient.linked", object_id=str(patient.pk)).exists()
    # The staff member who invited hears about it on the platform.
    note = Notification.objects.get(user=staff_a, kind="invitation.accepted")
    assert note.portal == "platform"
    assert "Ivy Invitee" in note.title
    assert str(patient.uuid) in note.url


def test_the_account_email_must_match_case_insensitively(new_patient, staff_a, invite, brand_a):
    _invitation, token = invite(staff_a, new_patient(email="Ivy.Invitee@Example.com"))
    user = make_user("IVY.INVITEE@example.com")
    invitations.accept_invitation(token=token, user=user, brand=brand_a)
    assert Patient.objects.get(email="ivy.invitee@example.com").user == user


def test_wrong_email_is_refused_and_changes_nothing(new_patient, staff_a, invite, brand_a):
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    stranger = make_user("someone.else@example.com")
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=stranger, brand=brand_a)
    assert exc.value.code == "wrong_email"
    assert "invitee@example.com" in exc.value.message
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.user is None
    assert invitation.current_status == Status.PENDING


def test_a_used_token_cannot_be_used_again(new_patient, staff_a, invite, invitee, brand_a):
    patient = new_patient()
    _invitation, token = invite(staff_a, patient)
    invitations.accept_invitation(token=token, user=invitee, brand=brand_a)
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=invitee, brand=brand_a)
    assert exc.value.code == "already_yours"
    other = make_user("other@example.com")
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=other, brand=brand_a)
    assert exc.value.code == "used"
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1


def test_an_expired_invitation_cannot_be_accepted(new_patient, staff_a, invite, invitee, brand_a):
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    expire(invitation)
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=invitee, brand=brand_a)
    assert exc.value.code == "expired"
    patient.refresh_from_db()
    assert patient.user is None


def test_a_revoked_invitation_cannot_be_accepted(new_patient, staff_a, invite, invitee, brand_a):
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    invitations.revoke_invitation(acting_user=staff_a, invitation=invitation)
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=invitee, brand=brand_a)
    assert exc.value.code == "revoked"
    patient.refresh_from_db()
    assert patient.user is None


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:-1],
        lambda t: t + "x",
        lambda t: "",
        lambda t: "x" * 5000,
    ],
)
def test_an_altered_token_is_not_valid(new_patient, staff_a, invite, invitee, brand_a, alter):
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=alter(token), user=invitee, brand=brand_a)
    assert exc.value.code == "invalid"
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.user is None
    assert invitation.current_status == Status.PENDING


def test_a_token_only_works_on_its_own_brand(new_patient, staff_a, invite, invitee, brand_b):
    patient = new_patient()
    _invitation, token = invite(staff_a, patient)
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=invitee, brand=brand_b)
    assert exc.value.code == "invalid"
    patient.refresh_from_db()
    assert patient.user is None


def test_a_record_linked_to_someone_else_is_not_relinked(new_patient, staff_a, invite, brand_a):
    patient = new_patient()
    _invitation, token = invite(staff_a, patient)
    first = make_user("first@example.com")
    Patient.objects.filter(pk=patient.pk).update(user=first)
    invitee = make_user("invitee@example.com")
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=invitee, brand=brand_a)
    assert exc.value.code == "already_linked"
    patient.refresh_from_db()
    assert patient.user == first


def test_an_account_that_already_is_a_patient_of_the_brand_is_refused(
    new_patient, staff_a, invite, brand_a
):
    invitee = make_user("invitee@example.com")
    Patient.objects.create(brand=brand_a, user=invitee, email="old.address@example.com")
    patient = new_patient()
    _invitation, token = invite(staff_a, patient)
    with pytest.raises(InvitationError) as exc:
        invitations.accept_invitation(token=token, user=invitee, brand=brand_a)
    assert exc.value.code == "other_patient"
    patient.refresh_from_db()
    assert patient.user is None


def test_a_patient_of_another_brand_can_accept(new_patient, staff_a, invite, brand_a, patient_b):
    patient = new_patient(email=patient_b.email)
    _invitation, token = invite(staff_a, patient)
    invitations.accept_invitation(token=token, user=patient_b.user, brand=brand_a)
    patient.refresh_from_db()
    assert patient.user == patient_b.user


def test_accepting_closes_the_other_pending_invitations(
    new_patient, staff_a, invite, invitee, brand_a
):
    patient = new_patient()
    first, _token_1 = invite(staff_a, patient)
    _second, token_2 = invite(staff_a, patient)
    invitations.accept_invitation(token=token_2, user=invitee, brand=brand_a)
    first.refresh_from_db()
    assert first.current_status == Status.REVOKED
    assert first.revoke_reason == PortalInvitation.RevokeReason.SUPERSEDED
    assert patient.invitations.pending().count() == 0


def test_expiry_is_right_without_any_worker(new_patient, staff_a):
    invitation = invitations.send_invitation(
        acting_user=staff_a, patient=new_patient(), expires_in_hours=1
    )
    later = timezone.now() + timedelta(hours=1, seconds=1)
    assert invitation.effective_status() == Status.PENDING
    assert invitation.effective_status(later) == Status.EXPIRED
    assert invitation.status == Status.PENDING  # nothing stored had to change
