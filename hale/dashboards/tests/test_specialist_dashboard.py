"""The specialist's dashboard (the platform host's home page for an approved specialist):
activity, daily and monthly statistics with the chart's data, action items; and the list of
the specialist's patients. Both in a number of queries that does not grow with the data."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from hale.accounts.models import Patient
from hale.consents import actions as consent_actions
from hale.consents.models import Requirement
from hale.dashboards.tests.conftest import home_page
from hale.matching.models import CareRelationship
from hale.payments.models import LedgerEntry, Payment
from hale.scheduling.models import Appointment, AvailabilityRequest
from hale.specialists.models import Specialist

PLATFORM = "localhost"


def _queries(client, path="/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _counts(page: str) -> dict:
    return {
        label: int(count)
        for count, label in re.findall(
            r'summary-card__count">(\d+)</span> <span class="summary-card__label">([^<]+)<', page
        )
    }


def _stats(page: str) -> dict:
    found = re.search(r'<script id="dashboard-stats" type="application/json">(.*?)</script>', page)
    assert found, "the chart's data is in the page"
    return json.loads(found.group(1))


def _patient(brand, email, name):
    user = make_user(email, full_name=name)
    return Patient.objects.create(brand=brand, user=user, email=email, full_name=name)


def past_session(patient, specialist, days_ago, status):
    start = timezone.now() - dt.timedelta(days=days_ago)
    return Appointment.objects.create(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        session_name="Therapy session",
        start=start,
        end=start + dt.timedelta(minutes=50),
        modality="video",
        status=status,
    )


def paid_for(appointment, amount, at):
    payment = Payment.objects.create(
        number=f"HL-{appointment.pk}",
        brand=appointment.brand,
        patient=appointment.patient,
        specialist=appointment.specialist,
        appointment=appointment,
        description="Therapy session",
        amount_minor=amount,
        currency="EUR",
        provider="offline",
        flow="platform",
        status="paid",
    )
    LedgerEntry.objects.create(
        at=at,
        kind=LedgerEntry.Kind.PAYMENT,
        amount_minor=amount,
        currency="EUR",
        payment=payment,
        brand=appointment.brand,
        specialist=appointment.specialist,
        patient=appointment.patient,
        provider="offline",
        external_id=f"pay-{appointment.pk}",
    )


def test_a_new_specialist_sees_every_card_say_plainly_that_it_is_empty(client_for, open_specialist):
    page = home_page(client_for(open_specialist.user, PLATFORM))
    assert _counts(page) == {
        "Unread messages": 0,
        "New patients this week": 0,
        "New bookings": 0,
        "Sessions today": 0,
        "Sessions this week": 0,
    }
    assert "Nothing needs your attention right now." in page
    assert "No transactions yet." in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    stats = _stats(page)
    assert len(stats["daily"]["labels"]) == 30 and len(stats["monthly"]["labels"]) == 12
    assert sum(stats["monthly"]["delivered"]) == 0


def test_statistics_count_outcomes_by_day_and_month_with_revenue(
    client_for, brand_a, patient_a, open_specialist
):
    delivered = past_session(patient_a, open_specialist, 2, Appointment.Status.COMPLETED)
    past_session(patient_a, open_specialist, 3, Appointment.Status.COMPLETED)
    past_session(patient_a, open_specialist, 3, Appointment.Status.CANCELLED)
    past_session(patient_a, open_specialist, 4, Appointment.Status.NO_SHOW)
    old = past_session(patient_a, open_specialist, 100, Appointment.Status.COMPLETED)
    past_session(patient_a, open_specialist, 800, Appointment.Status.COMPLETED)  # outside 12 months
    paid_for(delivered, 6000, delivered.start)
    paid_for(old, 4000, old.start)

    page = home_page(client_for(open_specialist.user, PLATFORM))
    stats = _stats(page)
    daily, monthly = stats["daily"], stats["monthly"]
    assert (sum(daily["delivered"]), sum(daily["cancelled"]), sum(daily["no_shows"])) == (2, 1, 1)
    assert sum(monthly["delivered"]) == 3
    assert daily["revenue"] == {"EUR": daily["revenue"]["EUR"]}
    assert sum(daily["revenue"]["EUR"]) == 6000
    assert sum(monthly["revenue"]["EUR"]) == 10000
    day = (delivered.start.astimezone(timezone.get_current_timezone())).date().isoformat()
    assert daily["delivered"][daily["labels"].index(day)] >= 1
    assert "The figures as a table" in page and "60.00" in page


def test_activity_and_action_items_come_from_the_other_apps(
    client_for, brand_a, staff_a, patient_a, open_specialist, session_type, book, propose
):
    book(patient_a, open_specialist, session_type, days_ahead=1)
    propose(patient_a, timezone.now() + dt.timedelta(days=5))
    AvailabilityRequest.objects.create(
        brand=brand_a,
        patient=patient_a,
        specialist=open_specialist,
        session_type=session_type,
        message="Mornings",
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    # (booking made the care relationship: one new patient)
    template = consent_actions.create_template(
        brand=brand_a,
        acting_user=staff_a,
        title="Telehealth consent",
        body="I agree.",
        requirement=Requirement.EVERY_SESSION,
    )
    consent_actions.publish_version(template=template, acting_user=staff_a, revision=None)

    page = home_page(client_for(open_specialist.user, PLATFORM))
    counts = _counts(page)
    assert counts["New patients this week"] == 1
    assert counts["New bookings"] == 2  # the booking and the one the propose fixture makes
    assert "1 proposal is waiting for the patient's answer" in page
    assert "1 availability request to answer" in page
    assert "has not signed everything for the session" in page and "Telehealth consent" in page


def test_the_dashboard_is_only_for_approved_specialists(client_for, specialist):
    specialist.status = Specialist.Status.CHANGES_REQUESTED
    specialist.save(update_fields=["status"])
    page = home_page(client_for(specialist.user, PLATFORM))
    assert "Statistics" not in page
    assert "asked for changes to your profile" in page


def test_dashboard_queries_stay_constant_as_data_grows_tenfold(
    client_for, brand_a, patient_a, open_specialist, session_type, book, free_slots
):
    client = client_for(open_specialist.user, PLATFORM)
    first = past_session(patient_a, open_specialist, 2, Appointment.Status.COMPLETED)
    paid_for(first, 5000, first.start)
    book(patient_a, open_specialist, session_type, days_ahead=1)
    client.get("/")
    one = _queries(client)
    others = [_patient(brand_a, f"p{n}@example.com", f"Patient {n}") for n in range(10)]
    for n, other in enumerate(others):
        done = past_session(other, open_specialist, 1 + n * 20, Appointment.Status.COMPLETED)
        paid_for(done, 5000, done.start)
        past_session(other, open_specialist, 2 + n, Appointment.Status.NO_SHOW)
    slots = free_slots(open_specialist, session_type, days_ahead=1, days=6)[::3]
    for other, slot in zip(others, slots, strict=False):
        book(other, open_specialist, session_type, slot)
    assert open_specialist.appointments.count() >= 30
    assert _queries(client) == one


# --- The patient list --------------------------------------------------------------------------


@pytest.fixture
def cared_for(brand_a, brand_b, open_specialist):
    now = timezone.now()
    people = {}
    for key, brand, email, name, status, source in (
        ("alice", brand_a, "alice@example.com", "Alice Active", "active", "smart"),
        ("erin", brand_a, "erin@example.com", "Erin Ended", "ended", "program"),
        ("nina", brand_b, "nina@example.com", "Nina North", "active", "referral"),
    ):
        patient = _patient(brand, email, name)
        CareRelationship.objects.create(
            patient=patient,
            specialist=open_specialist,
            brand=brand,
            source=source,
            status=status,
            started_at=now,
        )
        people[key] = patient
    return people


def test_the_patient_list_shows_status_source_and_quick_actions(
    client_for, cared_for, open_specialist
):
    client = client_for(open_specialist.user, PLATFORM)
    page = client.get("/practice/patients/").content.decode()
    assert "Alice Active" in page and "Nina North" in page and "Erin Ended" not in page
    assert "Smart-matching" in page and "Referral" in page
    assert "In your care (2)" in page and "Care ended (1)" in page
    alice = cared_for["alice"]
    assert f"/practice/patients/{alice.uuid}/" in page
    assert f"/practice/messages/new/?patient={alice.uuid}" in page
    assert f"/practice/schedule/propose/?patient={alice.uuid}" in page
    assert f"/practice/patients/{alice.uuid}/notes/new/" in page
    ended = client.get("/practice/patients/?status=ended").content.decode()
    assert "Erin Ended" in ended and "Alice Active" not in ended
    assert "Program" in ended
    found = client.get("/practice/patients/?status=all&q=north").content.decode()
    assert "Nina North" in found and "Alice Active" not in found
    none = client.get("/practice/patients/?q=zzz").content.decode()
    assert "No patient matches" in none
    # Garbled filters fall back to the default, never an error.
    assert client.get("/practice/patients/?status=<x>&page=abc").status_code == 200


def test_the_patient_list_is_the_specialists_own(client_for, cared_for, specialist_2):
    specialist_2.status = Specialist.Status.APPROVED
    specialist_2.save(update_fields=["status"])
    page = client_for(specialist_2.user, PLATFORM).get("/practice/patients/").content.decode()
    assert "Alice Active" not in page and "No patients here yet" in page


def test_the_patient_list_needs_an_approved_specialist(client_for, patient_a, anonymous):
    assert client_for(patient_a.user, PLATFORM).get("/practice/patients/").status_code == 404
    assert anonymous(PLATFORM).get("/practice/patients/").status_code == 302
    assert (
        client_for(patient_a.user, "calm.localhost").get("/practice/patients/").status_code == 404
    )


def test_patient_list_queries_stay_constant(client_for, brand_a, cared_for, open_specialist):
    client = client_for(open_specialist.user, PLATFORM)
    client.get("/practice/patients/")
    one = _queries(client, "/practice/patients/")
    for n in range(10):
        patient = _patient(brand_a, f"more{n}@example.com", f"More {n}")
        CareRelationship.objects.create(
            patient=patient,
            specialist=open_specialist,
            brand=brand_a,
            source="browse",
            started_at=timezone.now(),
        )
        past_session(patient, open_specialist, 3, Appointment.Status.COMPLETED)
    assert _queries(client, "/practice/patients/") == one


def test_the_patient_page_shows_time_zone_allocation_and_requests(
    client_for, cared_for, open_specialist, session_type
):
    alice = cared_for["alice"]
    alice.time_zone = "Europe/Berlin"
    alice.save(update_fields=["time_zone"])
    AvailabilityRequest.objects.create(
        brand=alice.brand,
        patient=alice,
        specialist=open_specialist,
        session_type=session_type,
        message="Evenings",
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    page = client_for(open_specialist.user, PLATFORM).get(f"/practice/patients/{alice.uuid}/")
    text = page.content.decode()
    assert "Europe/Berlin" in text and "Smart-matching" in text
    assert "Availability requests" in text and "Waiting for the specialist" in text
