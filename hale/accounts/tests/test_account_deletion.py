"""Delete my account: re-authentication, confirmation, what is erased and what is kept."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import PASSWORD, make_user
from hale.accounts import data_rights, invitations
from hale.accounts.models import DataExport, Patient, PortalInvitation, User, UserSession
from hale.core.models import AuditEvent
from hale.notifications.actions import notify, set_preference
from hale.notifications.models import Notification, NotificationPreference
from hale.tenancy.models import BrandMembership

DELETE = "/account/data/delete/"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def snapshot(user: User) -> tuple:
    user.refresh_from_db()
    return (user.email, user.full_name, user.is_active, user.password, user.language)


@pytest.fixture
def alice_everywhere(patient_a, brand_b, staff_a, committed):
    """Alice: a patient of both brands, with an invitation, notifications, a preference, an
    email address row, an authenticator and a ready data export."""
    alice = patient_a.user
    alice.language, alice.time_zone = "en", "Europe/London"
    alice.save(update_fields=["language", "time_zone"])
    Patient.objects.create(
        brand=brand_b, user=alice, email=alice.email, full_name="Alice P.", phone="+1 555 0100"
    )
    Patient.objects.filter(pk=patient_a.pk).update(phone="+44 20 0000", date_of_birth="1990-02-03")
    EmailAddress.objects.update_or_create(
        user=alice, email=alice.email, defaults={"verified": True, "primary": True}
    )
    Authenticator.objects.create(user=alice, type=Authenticator.Type.RECOVERY_CODES, data={})
    with committed():
        invitations.send_invitation(acting_user=staff_a, patient=patient_a)
        notify(user=alice, kind="brand.announcement", brand=patient_a.brand, title="Hi", body="x")
        set_preference(user=alice, kind="brand.announcement", channel="email", enabled=False)
        data_rights.request_data_export(acting_user=alice, brand=patient_a.brand)
    assert DataExport.objects.get(user=alice).status == DataExport.Status.READY
    return alice


def test_delete_page_explains_what_is_erased_and_kept(patient_a, client_for):
    response = client_for(patient_a.user, "calm.localhost").get(DELETE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "What we erase" in html and "What we keep, and why" in html
    assert "Calm Minds" in html
    assert 'name="confirm_email"' in html


def test_my_account_links_to_the_data_pages(patient_a, client_for):
    response = client_for(patient_a.user, "calm.localhost").get(reverse("account_overview"))
    assert reverse("data_rights").encode() in response.content
    assert reverse("account_delete").encode() in response.content


def test_deleting_asks_for_the_password_again_first(patient_a, client_for):
    client = client_for(patient_a.user, "calm.localhost")
    before = snapshot(patient_a.user)

    response = client.post(DELETE, {"confirm_email": patient_a.user.email})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert snapshot(patient_a.user) == before


def test_wrong_confirmation_changes_nothing(patient_a, client_for):
    client = client_for(patient_a.user, "calm.localhost")
    reauthenticate(client)
    before = snapshot(patient_a.user)

    response = client.post(DELETE, {"confirm_email": "someone@else.example"})

    assert response.status_code == 400
    assert b"That is not your email address" in response.content
    assert snapshot(patient_a.user) == before
    assert not AuditEvent.objects.filter(action="account.deleted").exists()


def test_the_post_is_replayed_after_reauthentication(patient_a, client_for, committed):
    client = client_for(patient_a.user, "calm.localhost")
    response = client.post(DELETE, {"confirm_email": patient_a.user.email.upper()})
    assert response["Location"].startswith(reverse("account_reauthenticate"))

    with committed():
        response = client.post(
            response["Location"], {"password": PASSWORD, "next": DELETE}, follow=False
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_deleted")
    patient_a.user.refresh_from_db()
    assert not patient_a.user.is_active


def test_deleted_account_is_erased_signed_out_and_cannot_sign_in(
    alice_everywhere, patient_b, client_for, anonymous, committed, private_storage
):
    alice = alice_everywhere
    original_email, user_pk = alice.email, alice.pk
    export_file = private_storage / DataExport.objects.get(user=alice).file.name
    audit_before = AuditEvent.objects.filter(actor=alice).count()
    elsewhere = client_for(alice, "northside.localhost")
    platform = client_for(alice, "localhost")
    assert elsewhere.get(reverse("data_rights")).status_code == 200
    client = client_for(alice, "calm.localhost")
    reauthenticate(client)
    mail.outbox.clear()

    with committed():
        response = client.post(DELETE, {"confirm_email": original_email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_deleted")
    assert client.get(response["Location"]).status_code == 200

    alice = User.objects.get(pk=user_pk)
    assert alice.email == f"deleted-{alice.uuid}@invalid.hale"
    assert (alice.full_name, alice.language, alice.time_zone) == ("", "", "")
    assert not alice.is_active
    assert not alice.has_usable_password()

    # Signed out here and on every other host; the session rows are gone.
    for c in (client, elsewhere, platform):
        page = c.get(reverse("data_rights"))
        assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))
    assert not UserSession.objects.filter(user_id=user_pk).exists()

    # No way back in, with the old address or the new one.
    assert authenticate(email=original_email, password=PASSWORD) is None
    assert authenticate(email=alice.email, password=PASSWORD) is None
    login = anonymous("calm.localhost").post(
        reverse("account_login"), {"login": original_email, "password": PASSWORD}
    )
    assert login.status_code == 200 and b"not correct" in login.content

    # Patient records kept, detached from the identity.
    records = list(Patient.objects.filter(user_id=user_pk))
    assert len(records) == 2
    for record in records:
        assert record.erased_at is not None
        assert record.email == f"deleted-{record.uuid}@invalid.hale"
        assert (record.full_name, record.phone, record.date_of_birth) == ("", "", None)
        assert not record.portal_enabled
    invitation = PortalInvitation.objects.get(patient__user_id=user_pk)
    assert invitation.status == PortalInvitation.Status.REVOKED
    assert invitation.token_hash is None
    assert invitation.email.endswith("@invalid.hale")

    # Sign-in methods, notifications, preferences and exports are gone.
    assert not EmailAddress.objects.filter(user_id=user_pk).exists()
    assert not Authenticator.objects.filter(user_id=user_pk).exists()
    assert not Notification.objects.filter(user_id=user_pk).exists()
    assert not NotificationPreference.objects.filter(user_id=user_pk).exists()
    assert not DataExport.objects.filter(user_id=user_pk).exists()
    assert not export_file.exists()

    # The audit trail stays, pointing at the anonymised row, with the deletion in it.
    assert AuditEvent.objects.filter(actor_id=user_pk).count() >= audit_before + 1
    deleted = AuditEvent.objects.get(action="account.deleted")
    assert deleted.object_id == str(user_pk) and deleted.data["by_self"] is True
    assert original_email not in str(deleted.data)
    assert AuditEvent.objects.filter(action="patient.erased").count() == 2

    # The last email went to the address the account had.
    [farewell] = [m for m in mail.outbox if m.to == [original_email]]
    assert "deleted" in farewell.subject
    assert not [m for m in mail.outbox if m.to != [original_email]]

    # Nobody else was touched.
    bob = patient_b.user
    bob.refresh_from_db()
    patient_b.refresh_from_db()
    assert bob.is_active and bob.email == "patient.b@example.com"
    assert patient_b.erased_at is None and patient_b.full_name == "Bob Patient"
    assert client_for(bob, "northside.localhost").get(reverse("data_rights")).status_code == 200


def test_an_inactive_account_cannot_sign_in_even_with_its_password(patient_a, anonymous):
    User.objects.filter(pk=patient_a.user.pk).update(is_active=False)
    assert authenticate(email=patient_a.user.email, password=PASSWORD) is None
    response = anonymous("calm.localhost").post(
        reverse("account_login"), {"login": patient_a.user.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in response.wsgi_request.session


def test_deleting_one_user_leaves_another_with_the_same_name_alone(patient_a, brand_a, committed):
    twin = make_user("alice.two@example.com", full_name="Alice Patient")
    Patient.objects.create(brand=brand_a, user=twin, email=twin.email, full_name="Alice Patient")
    with committed():
        notify(user=twin, kind="brand.announcement", brand=brand_a, title="Hi", body="x")
        data_rights.delete_account(user=patient_a.user, acting_user=patient_a.user)
    twin.refresh_from_db()
    assert twin.is_active and twin.full_name == "Alice Patient"
    assert Patient.objects.get(user=twin).full_name == "Alice Patient"
    assert Notification.objects.filter(user=twin).count() == 1


def test_erasers_of_other_apps_run_first_and_can_still_read_names(patient_a):
    seen = {}

    def cancel_appointments(user, *, acting_user):
        seen["patient"] = Patient.objects.get(user=user).full_name
        seen["user"] = user.full_name

    data_rights.register_eraser("test.appointments", cancel_appointments)
    try:
        data_rights.delete_account(user=patient_a.user, acting_user=patient_a.user)
    finally:
        data_rights.unregister("test.appointments")
    assert seen == {"patient": "Alice Patient", "user": "Alice Patient"}
    event = AuditEvent.objects.get(action="account.deleted")
    assert "test.appointments" in event.data["erasers"]


def test_a_failing_eraser_rolls_everything_back(patient_a):
    def broken(user, *, acting_user):
        raise RuntimeError("boom")

    data_rights.register_eraser("test.broken", broken, order=950)
    try:
        with pytest.raises(RuntimeError):
            data_rights.delete_account(user=patient_a.user, acting_user=patient_a.user)
    finally:
        data_rights.unregister("test.broken")
    patient_a.refresh_from_db()
    patient_a.user.refresh_from_db()
    assert patient_a.erased_at is None and patient_a.full_name == "Alice Patient"
    assert patient_a.user.is_active


def test_cannot_delete_twice(patient_a):
    data_rights.delete_account(user=patient_a.user, acting_user=patient_a.user)
    with pytest.raises(data_rights.DataRightsError):
        data_rights.delete_account(user=patient_a.user, acting_user=patient_a.user)


def test_only_the_person_or_an_operator_deletes(patient_a, patient_b, operator):
    with pytest.raises(PermissionDenied):
        data_rights.delete_account(user=patient_a.user, acting_user=patient_b.user)
    patient_a.user.refresh_from_db()
    assert patient_a.user.is_active

    data_rights.delete_account(user=patient_a.user, acting_user=operator, reason="by email")
    event = AuditEvent.objects.get(action="account.deleted")
    assert event.actor == operator and event.data == {
        "by_self": False,
        "reason": "by email",
        "erasers": event.data["erasers"],
    }


def test_staff_can_delete_and_their_membership_goes(staff_a, brand_a, client_for):
    client = client_for(staff_a, "localhost")
    reauthenticate(client)
    response = client.post(DELETE, {"confirm_email": staff_a.email})
    assert response.status_code == 302
    assert not BrandMembership.objects.filter(user=staff_a).exists()


def test_the_only_admin_of_a_brand_is_asked_to_hand_over_first(staff_a, brand_a, client_for):
    BrandMembership.objects.filter(user=staff_a).update(role=BrandMembership.Role.ADMIN)
    client = client_for(staff_a, "localhost")
    page = client.get(DELETE)
    assert b"You are the only admin of Calm Minds" in page.content
    assert b'name="confirm_email"' not in page.content
    reauthenticate(client)
    response = client.post(DELETE, {"confirm_email": staff_a.email})
    assert response.status_code == 400
    staff_a.refresh_from_db()
    assert staff_a.is_active

    # With a second admin, the first may go.
    other = make_user("admin2@example.com")
    BrandMembership.objects.create(brand=brand_a, user=other, role=BrandMembership.Role.ADMIN)
    assert client.post(DELETE, {"confirm_email": staff_a.email}).status_code == 302


def test_the_last_operator_cannot_delete_themselves(operator):
    with pytest.raises(data_rights.DataRightsError):
        data_rights.delete_account(user=operator, acting_user=operator)


def test_without_a_password_a_recent_sign_in_is_required(patient_a, client_for):
    user = patient_a.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = client_for(user, "calm.localhost")
    session = client.session
    session["_hale_auth_at"] = time.time() - 3600
    session.save()

    response = client.post(DELETE, {"confirm_email": user.email})
    assert response.status_code == 400
    assert b"sign out and sign in again" in response.content
    user.refresh_from_db()
    assert user.is_active

    session = client.session
    session["_hale_auth_at"] = time.time()
    session.save()
    assert client.post(DELETE, {"confirm_email": user.email}).status_code == 302
    user.refresh_from_db()
    assert not user.is_active


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, brand_a):
    response = anonymous("calm.localhost").post(DELETE, {"confirm_email": "x@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
