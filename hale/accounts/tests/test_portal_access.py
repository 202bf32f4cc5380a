"""Turning portal access off stops that patient signing in to that brand, ends their open
session there, and leaves their other brands alone; turning it on again lets them back."""

import pytest

from conftest import PASSWORD, make_user
from hale.accounts import invitations
from hale.accounts.models import Patient, PortalInvitation

CALM = "calm.localhost"
NORTHSIDE = "northside.localhost"


@pytest.fixture
def both_brands(patient_a, brand_b):
    """Alice is a patient of both brands, with one account."""
    Patient.objects.create(
        brand=brand_b, user=patient_a.user, email=patient_a.email, full_name=patient_a.full_name
    )
    return patient_a


def sign_in(client, email):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def turn_off(staff, patient):
    invitations.set_portal_access(acting_user=staff, patient=patient, enabled=False)


def test_sign_in_is_refused_on_that_brand_with_a_clear_message(both_brands, staff_a, anonymous):
    turn_off(staff_a, both_brands)
    client = anonymous(CALM)
    response = sign_in(client, both_brands.email)
    assert response.status_code == 403
    assert "Portal access is turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").context["user"].is_authenticated is False


def test_sign_in_still_works_on_the_other_brand(both_brands, staff_a, anonymous):
    turn_off(staff_a, both_brands)
    client = anonymous(NORTHSIDE)
    response = sign_in(client, both_brands.email)
    assert response.status_code == 302
    assert client.get("/").context["user"] == both_brands.user


def test_an_open_session_on_that_brand_ends(both_brands, staff_a, client_for):
    calm = client_for(both_brands.user, CALM)
    northside = client_for(both_brands.user, NORTHSIDE)
    assert calm.get("/").status_code == 200
    turn_off(staff_a, both_brands)
    response = calm.get("/")
    assert response.status_code == 403
    assert "Portal access is turned off" in response.content.decode()
    # Signed out: the next request is anonymous.
    assert calm.get("/help/").context["user"].is_authenticated is False
    # The session on the other brand carries on.
    response = northside.get("/")
    assert response.status_code == 200
    assert response.context["user"] == both_brands.user


def test_the_platform_host_is_not_affected(both_brands, staff_a, client_for):
    turn_off(staff_a, both_brands)
    response = client_for(both_brands.user, "localhost").get("/")
    assert response.status_code == 200
    assert response.context["user"] == both_brands.user


def test_a_user_who_is_not_a_patient_of_the_brand_is_not_blocked(patient_b, brand_a, anonymous):
    client = anonymous(CALM)
    assert sign_in(client, patient_b.email).status_code == 302


def test_turning_access_on_again_lets_the_patient_back_in(both_brands, staff_a, anonymous):
    turn_off(staff_a, both_brands)
    invitations.set_portal_access(acting_user=staff_a, patient=both_brands, enabled=True)
    client = anonymous(CALM)
    assert sign_in(client, both_brands.email).status_code == 302
    assert client.get("/").context["user"] == both_brands.user


def test_disable_then_enable_with_a_new_invitation(
    new_patient, staff_a, invite, anonymous, client_for, brand_a
):
    """A staff-made record: invited, accepted, turned off (pending invites revoked), turned on
    again with a new invitation, accepted by the same account."""
    patient = new_patient()
    _first, token = invite(staff_a, patient)
    user = make_user("invitee@example.com")
    invitations.accept_invitation(token=token, user=user, brand=brand_a)
    spare, _spare_token = invite(staff_a, patient)

    turn_off(staff_a, patient)
    spare.refresh_from_db()
    assert spare.current_status == PortalInvitation.Status.REVOKED
    assert sign_in(anonymous(CALM), user.email).status_code == 403
    with pytest.raises(invitations.InvitationError):
        invitations.send_invitation(acting_user=staff_a, patient=patient)

    invitations.set_portal_access(acting_user=staff_a, patient=patient, enabled=True)
    invitation, new_token = invite(staff_a, patient)
    response = client_for(user, CALM).post(f"/invite/{new_token}/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    patient.refresh_from_db()
    assert invitation.current_status == PortalInvitation.Status.ACCEPTED
    assert patient.user == user
    assert sign_in(anonymous(CALM), user.email).status_code == 302


def test_a_revoked_link_of_a_disabled_patient_changes_nothing(
    new_patient, staff_a, invite, client_for
):
    patient = new_patient()
    invitation, token = invite(staff_a, patient)
    turn_off(staff_a, patient)
    response = client_for(make_user("invitee@example.com"), CALM).post(f"/invite/{token}/")
    assert response.status_code == 410
    patient.refresh_from_db()
    assert patient.user is None
