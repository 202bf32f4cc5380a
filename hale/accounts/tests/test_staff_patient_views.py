"""The patients back office: list and search, create, detail, portal access, invitations.
Staff of another brand get a 404 from every URL and change nothing."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hale.accounts import invitations
from hale.accounts.models import Patient, PortalInvitation
from hale.core.models import AuditEvent

Status = PortalInvitation.Status


@pytest.fixture
def staff(client_for, staff_a):
    return client_for(staff_a, "localhost")


def url(name, *args):
    return reverse(name, urlconf="hale.urls_platform", args=args)


def test_staff_home_links_to_each_brands_patients(staff, brand_a):
    page = staff.get("/staff/").content.decode()
    assert url("staff_patient_list", brand_a.slug) in page


def test_patient_list_searches_by_name_and_email(staff, new_patient, brand_a):
    new_patient(email="ivy@example.com", full_name="Ivy Invitee")
    new_patient(email="zed@example.org", full_name="Zed Zeta")
    page = staff.get(url("staff_patient_list", brand_a.slug)).content.decode()
    assert "Ivy Invitee" in page and "Zed Zeta" in page
    page = staff.get(url("staff_patient_list", brand_a.slug), {"q": "zeta"}).content.decode()
    assert "Zed Zeta" in page and "Ivy Invitee" not in page
    page = staff.get(url("staff_patient_list", brand_a.slug), {"q": "IVY@"}).content.decode()
    assert "Ivy Invitee" in page and "Zed Zeta" not in page


def test_patient_list_shows_only_the_brands_patients(staff, new_patient, brand_a, patient_b):
    new_patient()
    page = staff.get(url("staff_patient_list", brand_a.slug)).content.decode()
    assert "Ivy Invitee" in page
    assert patient_b.email not in page


def test_patient_list_query_count_does_not_grow_with_rows(staff, new_patient, staff_a, brand_a):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(url("staff_patient_list", brand_a.slug)).status_code == 200
        return len(ctx.captured_queries)

    patient = new_patient(email="p0@example.com")
    invitations.send_invitation(acting_user=staff_a, patient=patient)
    few = count_queries()
    for i in range(1, 12):
        p = new_patient(email=f"p{i}@example.com", full_name=f"Patient {i}")
        invitations.send_invitation(acting_user=staff_a, patient=p)
    assert count_queries() == few


def test_staff_create_a_patient(staff, brand_a, staff_a):
    response = staff.post(
        url("staff_patient_create", brand_a.slug),
        {
            "full_name": "Ivy Invitee",
            "email": "Ivy@Example.com",
            "date_of_birth": "1990-02-03",
            "phone": "+44 20 7946 0000",
            "language": "es",
            "time_zone": "Europe/Madrid",
            "portal_enabled": "on",
        },
    )
    patient = Patient.objects.get(brand=brand_a, email="ivy@example.com")
    assert response.status_code == 302
    assert response["Location"] == url("staff_patient_detail", brand_a.slug, patient.uuid)
    assert patient.full_name == "Ivy Invitee"
    assert patient.language == "es" and patient.time_zone == "Europe/Madrid"
    assert patient.portal_enabled is True
    assert patient.user is None


def test_create_form_is_labelled(staff, brand_a):
    page = staff.get(url("staff_patient_create", brand_a.slug)).content.decode()
    for field in (
        "full_name",
        "email",
        "date_of_birth",
        "phone",
        "language",
        "time_zone",
        "portal_enabled",
    ):
        assert f'for="id_{field}"' in page
        assert f'id="id_{field}"' in page


def test_create_refuses_a_duplicate_email_with_a_message(staff, new_patient, brand_a):
    new_patient(email="ivy@example.com")
    response = staff.post(
        url("staff_patient_create", brand_a.slug),
        {
            "full_name": "Ivy Again",
            "email": "IVY@example.com",
        },
    )
    assert response.status_code == 400
    assert "already has a patient with the email address" in response.content.decode()
    assert Patient.objects.filter(brand=brand_a).count() == 1


def test_detail_shows_invitations_with_status_and_history(
    staff, new_patient, staff_a, brand_a, invite
):
    patient = new_patient()
    revoked, _t1 = invite(staff_a, patient)
    invitations.revoke_invitation(acting_user=staff_a, invitation=revoked)
    invite(staff_a, patient)
    page = staff.get(url("staff_patient_detail", brand_a.slug, patient.uuid)).content.decode()
    assert "status--pending" in page and "status--revoked" in page
    assert "Revoked by Casey Staff" in page
    assert "Sent to invitee@example.com by Casey Staff" in page
    assert page.count("Revoke<span") == 1  # only the pending one can be revoked
    assert AuditEvent.objects.filter(action="patient.viewed", actor=staff_a).exists()


def test_staff_send_an_invitation_from_the_detail_page(staff, new_patient, brand_a):
    patient = new_patient()
    response = staff.post(
        url("staff_invitation_send", brand_a.slug, patient.uuid), {"expires_in_hours": "72"}
    )
    assert response.status_code == 302
    invitation = patient.invitations.get()
    assert (invitation.expires_at - invitation.created_at).total_seconds() == 72 * 3600


def test_sending_runs_the_email_after_commit(
    staff, new_patient, brand_a, django_capture_on_commit_callbacks
):
    patient = new_patient()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            url("staff_invitation_send", brand_a.slug, patient.uuid), {"expires_in_hours": "48"}
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["invitee@example.com"]


@pytest.mark.parametrize("hours", ["0", "169", "abc", ""])
def test_send_refuses_a_bad_expiry(staff, new_patient, brand_a, hours):
    patient = new_patient()
    response = staff.post(
        url("staff_invitation_send", brand_a.slug, patient.uuid), {"expires_in_hours": hours}
    )
    assert response.status_code == 400
    assert not patient.invitations.exists()


def test_send_explains_the_limit_of_three(staff, new_patient, brand_a):
    patient = new_patient()
    for _ in range(3):
        staff.post(
            url("staff_invitation_send", brand_a.slug, patient.uuid), {"expires_in_hours": "48"}
        )
    response = staff.post(
        url("staff_invitation_send", brand_a.slug, patient.uuid), {"expires_in_hours": "48"}
    )
    assert response.status_code == 400
    assert "already has 3 pending invitations" in response.content.decode()
    assert patient.invitations.count() == 3


def test_staff_revoke_an_invitation(staff, new_patient, staff_a, brand_a):
    patient = new_patient()
    invitation = invitations.send_invitation(acting_user=staff_a, patient=patient)
    response = staff.post(
        url("staff_invitation_revoke", brand_a.slug, patient.uuid, invitation.uuid)
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.current_status == Status.REVOKED


def test_revoking_twice_explains_and_changes_nothing(staff, new_patient, staff_a, brand_a):
    patient = new_patient()
    invitation = invitations.send_invitation(acting_user=staff_a, patient=patient)
    revoke = url("staff_invitation_revoke", brand_a.slug, patient.uuid, invitation.uuid)
    staff.post(revoke)
    invitation.refresh_from_db()
    revoked_at = invitation.revoked_at
    response = staff.post(revoke, follow=True)
    assert "Only a pending invitation can be revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at == revoked_at


def test_staff_turn_portal_access_off_and_on(staff, new_patient, staff_a, brand_a):
    patient = new_patient()
    invitation = invitations.send_invitation(acting_user=staff_a, patient=patient)
    toggle = url("staff_patient_portal_access", brand_a.slug, patient.uuid)
    assert staff.post(toggle, {"enabled": "0"}).status_code == 302
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.portal_enabled is False
    assert invitation.current_status == Status.REVOKED
    page = staff.get(url("staff_patient_detail", brand_a.slug, patient.uuid)).content.decode()
    assert "Turn portal access on" in page
    assert "Portal access turned off" in page  # the record's history
    staff.post(toggle, {"enabled": "1"})
    patient.refresh_from_db()
    assert patient.portal_enabled is True


def test_get_does_not_change_anything_on_post_only_urls(staff, new_patient, staff_a, brand_a):
    patient = new_patient()
    invitation = invitations.send_invitation(acting_user=staff_a, patient=patient)
    for target in (
        url("staff_patient_portal_access", brand_a.slug, patient.uuid),
        url("staff_invitation_send", brand_a.slug, patient.uuid),
        url("staff_invitation_revoke", brand_a.slug, patient.uuid, invitation.uuid),
    ):
        assert staff.get(target).status_code == 405
    invitation.refresh_from_db()
    assert invitation.current_status == Status.PENDING


# --- Denials ----------------------------------------------------------------------------------


def test_staff_of_another_brand_get_404_everywhere_and_change_nothing(
    client_for, staff_b, new_patient, staff_a, brand_a
):
    patient = new_patient()
    invitation = invitations.send_invitation(acting_user=staff_a, patient=patient)
    audit_rows = AuditEvent.objects.count()
    other = client_for(staff_b, "localhost")
    slug = brand_a.slug
    gets = [
        url("staff_patient_list", slug),
        url("staff_patient_create", slug),
        url("staff_patient_detail", slug, patient.uuid),
    ]
    posts = [
        (url("staff_patient_create", slug), {"full_name": "X", "email": "x@example.com"}),
        (url("staff_patient_portal_access", slug, patient.uuid), {"enabled": "0"}),
        (url("staff_invitation_send", slug, patient.uuid), {"expires_in_hours": "48"}),
        (url("staff_invitation_revoke", slug, patient.uuid, invitation.uuid), {}),
    ]
    for target in gets:
        response = other.get(target)
        assert response.status_code == 404, target
        assert "Ivy" not in response.content.decode()
    for target, data in posts:
        assert other.post(target, data).status_code == 404, target
    patient.refresh_from_db()
    invitation.refresh_from_db()
    assert patient.portal_enabled is True
    assert invitation.current_status == Status.PENDING
    assert patient.invitations.count() == 1
    assert not Patient.objects.filter(email="x@example.com").exists()
    assert AuditEvent.objects.count() == audit_rows


def test_a_patient_of_another_brand_in_the_url_is_404(staff, brand_a, patient_b):
    # staff A, brand A in the URL, but brand B's patient: as if it did not exist.
    response = staff.get(url("staff_patient_detail", brand_a.slug, patient_b.uuid))
    assert response.status_code == 404


def test_an_invitation_of_another_patient_in_the_url_is_404(staff, new_patient, staff_a, brand_a):
    first = new_patient(email="one@example.com")
    second = new_patient(email="two@example.com")
    invitation = invitations.send_invitation(acting_user=staff_a, patient=first)
    response = staff.post(
        url("staff_invitation_revoke", brand_a.slug, second.uuid, invitation.uuid)
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.current_status == Status.PENDING


def test_patients_cannot_use_the_back_office(client_for, patient_a, brand_a):
    response = client_for(patient_a.user, "localhost").get(url("staff_patient_list", brand_a.slug))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, brand_a):
    response = anonymous("localhost").get(url("staff_patient_list", brand_a.slug))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_platform_operators_can_manage_any_brand(client_for, operator, brand_b):
    response = client_for(operator, "localhost").get(url("staff_patient_list", brand_b.slug))
    assert response.status_code == 200


def test_back_office_urls_do_not_exist_on_a_brand_host(client_for, staff_a, brand_a):
    response = client_for(staff_a, "calm.localhost").get(f"/staff/brands/{brand_a.slug}/patients/")
    assert response.status_code == 404
