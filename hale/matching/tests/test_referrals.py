"""The referral program: a specialist's link on a brand that runs it remembers them, the
person who then signs up there is in their care with source "referral", the specialist is
told and sees their referrals; brands without it, unlisted specialists and existing accounts
are never allocated by a link."""

import re

import pytest
from django.db import connection

from conftest import PASSWORD
from hale.accounts.models import Patient
from hale.matching import referrals
from hale.matching.models import CareRelationship, Listing
from hale.notifications.models import Notification
from tests.race import race

CALM = "calm.localhost"


@pytest.fixture
def program(brand_a, specialist):
    brand_a.referrals_enabled = True
    brand_a.save(update_fields=["referrals_enabled"])
    Listing.objects.get_or_create(brand=brand_a, specialist=specialist)
    return brand_a


def _sign_up(client, email="referred@example.com"):
    form = client.get("/accounts/signup/").context["form"]
    data = {"email": email}
    data.update({name: PASSWORD for name in ("password1", "password2") if name in form.fields})
    return client.post("/accounts/signup/", data)


def test_a_person_signing_up_through_the_link_is_allocated(anonymous, program, specialist):
    client = anonymous(CALM)
    response = client.get(f"/r/{specialist.uuid}/")
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/"
    page = client.get("/accounts/signup/").content.decode()
    assert "Dr Dana One invited you to Calm Minds" in page
    _sign_up(client)
    patient = Patient.objects.get(brand=program, email="referred@example.com")
    care = CareRelationship.objects.get(patient=patient)
    assert (care.specialist, care.source, care.status) == (specialist, "referral", "active")
    notice = Notification.objects.get(kind="specialist.referral")
    assert notice.user == specialist.user and "referred@example.com" in notice.title
    assert referrals.SESSION_KEY not in client.session


def test_without_the_program_the_link_is_404(anonymous, brand_a, specialist):
    Listing.objects.get_or_create(brand=brand_a, specialist=specialist)
    assert anonymous(CALM).get(f"/r/{specialist.uuid}/").status_code == 404


def test_a_specialist_not_listed_on_the_brand_has_no_link_there(anonymous, program, specialist_2):
    client = anonymous(CALM)
    assert client.get(f"/r/{specialist_2.uuid}/").status_code == 404
    _sign_up(client)
    assert not CareRelationship.objects.exists()


def test_a_link_remembered_on_one_brand_does_nothing_on_another(program, brand_b, specialist):
    session: dict = {}
    referrals.remember(session, brand=program, specialist=specialist)
    assert referrals.referrer_in(session, program) == specialist
    assert referrals.referrer_in(session, brand_b) is None
    program.referrals_enabled = False
    assert referrals.referrer_in(session, program) is None
    assert (
        referrals.referrer_in({"hale_referral": {"brand": program.pk, "specialist": "x"}}, program)
        is None
    )


def test_signed_in_patients_are_sent_to_the_profile_and_not_reallocated(
    client_for, program, patient_a, specialist
):
    client = client_for(patient_a.user, CALM)
    response = client.get(f"/r/{specialist.uuid}/")
    assert response["Location"] == f"/specialists/{specialist.uuid}/"
    assert not CareRelationship.objects.filter(patient=patient_a).exists()


def test_someone_already_in_care_is_not_moved(program, patient_a, specialist, specialist_2):
    CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist_2,
        brand=program,
        source="browse",
        started_at=patient_a.created_at,
    )
    assert referrals.allocate_referral(patient=patient_a, specialist=specialist) is None
    assert CareRelationship.objects.get(patient=patient_a).specialist == specialist_2


def test_the_specialist_sees_links_and_referrals(client_for, anonymous, program, specialist):
    visitor = anonymous(CALM)
    visitor.get(f"/r/{specialist.uuid}/")
    _sign_up(visitor)
    page = client_for(specialist.user, "localhost").get("/practice/referrals/").content.decode()
    assert re.search(rf'value="https?://calm\.localhost(:\d+)?/r/{specialist.uuid}/"', page)
    assert "referred@example.com" in page and "Signed up, no session yet" in page
    assert "1 in all, 1 still in your care." in page


def test_the_referrals_page_is_for_approved_specialists(client_for, patient_a, anonymous):
    assert client_for(patient_a.user, "localhost").get("/practice/referrals/").status_code == 404
    assert anonymous("localhost").get("/practice/referrals/").status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_two_tabs_finishing_sign_up_at_once_allocate_once(
    program, patient_a, specialist, specialist_2
):
    Listing.objects.get_or_create(brand=program, specialist=specialist_2)
    outcomes = race(
        [
            lambda s=s: referrals.allocate_referral(patient=patient_a, specialist=s)
            for s in (specialist, specialist_2, specialist, specialist_2)
        ],
        lambda exc: f"error: {exc!r}",
    )
    assert outcomes == ["applied"] * 4
    assert CareRelationship.objects.filter(patient=patient_a, status="active").count() == 1
