import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from hale.core.models import AuditEvent
from hale.matching import actions, leads
from hale.matching.actions import MatchingError
from hale.matching.models import Supervision
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist


def make_session(*, brand, patient, specialist, days_ago=3, notes="", status="completed"):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    return Appointment.objects.create(
        brand=brand,
        patient=patient,
        specialist=specialist,
        session_name="Therapy session",
        start=start,
        end=start + dt.timedelta(minutes=50),
        modality="video",
        status=status,
        clinic_notes=notes,
    )


@pytest.fixture
def lead(db):
    user = make_user("lead@example.com", full_name="Lee Lead", time_zone="Europe/London")
    return Specialist.objects.create(
        user=user, display_name="Dr Lee Lead", status=Specialist.Status.APPROVED
    )


@pytest.fixture
def supervision(brand_a, lead, specialist, staff_a, operator):
    actions.list_specialist(brand=brand_a, specialist=lead, acting_user=operator)
    actions.list_specialist(brand=brand_a, specialist=specialist, acting_user=operator)
    return leads.add_supervision(
        brand=brand_a, lead=lead, supervisee=specialist, acting_user=staff_a
    )


@pytest.fixture
def session(brand_a, patient_a, specialist):
    return make_session(
        brand=brand_a, patient=patient_a, specialist=specialist, notes="Bring the worksheet."
    )


def _history_url(supervision, patient):
    return reverse("supervision_history", args=[supervision.uuid, patient.uuid])


def test_lead_sees_supervisee_and_patients(client_for, supervision, session, patient_a):
    c = client_for(supervision.lead.user)
    home = c.get("/practice/supervision/")
    assert home.status_code == 200
    assert "Dr Dana One" in home.content.decode()
    patients = c.get(reverse("supervision_patients", args=[supervision.uuid]))
    assert patients.status_code == 200
    assert _history_url(supervision, patient_a) in patients.content.decode()


def test_lead_reading_history_is_audited_in_the_same_request(
    client_for, supervision, session, patient_a, brand_a
):
    c = client_for(supervision.lead.user)
    response = c.get(_history_url(supervision, patient_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bring the worksheet." in body
    assert "Therapy session" in body
    assert "Europe/London" in body or "GMT" in body or "BST" in body
    event = AuditEvent.objects.get(action="supervision.history_viewed")
    assert event.actor == supervision.lead.user
    assert event.brand == brand_a
    assert event.object_id == str(patient_a.pk)
    assert event.data["supervision"] == str(supervision.uuid)
    c.get(_history_url(supervision, patient_a))
    assert AuditEvent.objects.filter(action="supervision.history_viewed").count() == 2


def test_history_shows_only_sessions_with_the_supervisee(
    client_for, supervision, session, patient_a, brand_a, specialist_2
):
    make_session(brand=brand_a, patient=patient_a, specialist=specialist_2, notes="Other notes")
    body = client_for(supervision.lead.user).get(_history_url(supervision, patient_a))
    assert "Other notes" not in body.content.decode()


@pytest.mark.parametrize("who", ["supervisee", "other_specialist", "patient", "staff"])
def test_non_leads_get_404_and_nothing_is_audited(
    client_for, supervision, session, patient_a, specialist_2, staff_a, who
):
    user = {
        "supervisee": supervision.supervisee.user,
        "other_specialist": specialist_2.user,
        "patient": patient_a.user,
        "staff": staff_a,
    }[who]
    c = client_for(user)
    for url in (
        reverse("supervision_patients", args=[supervision.uuid]),
        _history_url(supervision, patient_a),
    ):
        response = c.get(url)
        assert response.status_code == 404
        assert b"Bring the worksheet." not in response.content
    assert not AuditEvent.objects.filter(action="supervision.history_viewed").exists()


def test_lead_of_another_specialist_gets_404(
    client_for, brand_a, lead, specialist_2, supervision, session, patient_a, staff_a, operator
):
    actions.list_specialist(brand=brand_a, specialist=specialist_2, acting_user=operator)
    other = leads.add_supervision(
        brand=brand_a, lead=lead, supervisee=specialist_2, acting_user=staff_a
    )
    # patient_a is the patient of ``specialist``, not of ``specialist_2``.
    response = client_for(lead.user).get(_history_url(other, patient_a))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="supervision.history_viewed").exists()


def test_patients_of_another_brand_are_not_visible(
    client_for, supervision, patient_b, brand_b, specialist
):
    make_session(brand=brand_b, patient=patient_b, specialist=specialist, notes="Northside only")
    c = client_for(supervision.lead.user)
    patients = c.get(reverse("supervision_patients", args=[supervision.uuid]))
    assert str(patient_b.uuid) not in patients.content.decode()
    assert c.get(_history_url(supervision, patient_b)).status_code == 404
    assert not AuditEvent.objects.filter(action="supervision.history_viewed").exists()


def test_staff_set_and_remove_a_lead(client_for, brand_a, lead, specialist, staff_a, operator):
    actions.list_specialist(brand=brand_a, specialist=lead, acting_user=operator)
    actions.list_specialist(brand=brand_a, specialist=specialist, acting_user=operator)
    c = client_for(staff_a)
    assert c.get(f"/staff/brands/{brand_a.slug}/leads/").status_code == 200
    response = c.post(
        f"/staff/brands/{brand_a.slug}/leads/add/",
        {"lead": lead.uuid, "supervisee": specialist.uuid},
    )
    assert response.status_code == 302
    supervision = Supervision.objects.get()
    assert (supervision.lead, supervision.supervisee, supervision.brand) == (
        lead,
        specialist,
        brand_a,
    )
    assert AuditEvent.objects.filter(action="supervision.added").exists()
    c.post(f"/staff/brands/{brand_a.slug}/leads/{supervision.uuid}/remove/")
    assert not Supervision.objects.exists()


def test_staff_cannot_pair_a_specialist_with_themselves(
    client_for, brand_a, lead, staff_a, operator
):
    actions.list_specialist(brand=brand_a, specialist=lead, acting_user=operator)
    response = client_for(staff_a).post(
        f"/staff/brands/{brand_a.slug}/leads/add/", {"lead": lead.uuid, "supervisee": lead.uuid}
    )
    assert response.status_code == 400
    assert "cannot supervise themselves" in response.content.decode()
    assert not Supervision.objects.exists()


def test_unlisted_specialists_cannot_be_paired(brand_a, lead, specialist, staff_a):
    with pytest.raises(MatchingError):
        leads.add_supervision(brand=brand_a, lead=lead, supervisee=specialist, acting_user=staff_a)
    assert not Supervision.objects.exists()


def test_staff_of_another_brand_get_404(client_for, supervision, staff_b, brand_a):
    c = client_for(staff_b)
    assert c.get(f"/staff/brands/{brand_a.slug}/leads/").status_code == 404
    response = c.post(f"/staff/brands/{brand_a.slug}/leads/{supervision.uuid}/remove/")
    assert response.status_code == 404
    assert Supervision.objects.filter(pk=supervision.pk).exists()


def test_supervision_page_has_constant_queries(
    client_for, supervision, brand_a, specialist, django_assert_max_num_queries
):
    from hale.accounts.models import Patient

    for i in range(5):
        p = Patient.objects.create(brand=brand_a, email=f"p{i}@example.com", full_name=f"P {i}")
        make_session(brand=brand_a, patient=p, specialist=specialist)
    c = client_for(supervision.lead.user)
    with django_assert_max_num_queries(15):
        assert c.get(reverse("supervision_patients", args=[supervision.uuid])).status_code == 200


def test_erasing_a_specialist_ends_their_supervisions(supervision, operator):
    from hale.matching.data_rights import erase_matching

    erase_matching(supervision.supervisee.user, acting_user=operator)
    assert not Supervision.objects.exists()
