"""The patient's home page: summary cards with their counts and empty states, the next
session with its actions, what waits for an answer, recent orders and quick actions, in a
number of queries that does not grow with the patient's data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hale.dashboards.tests.conftest import home_page
from hale.messaging import access as messaging_access
from hale.messaging import actions as messaging
from hale.messaging.models import Side
from hale.scheduling.models import AvailabilityRequest
from hale.shop.models import Order, Product
from hale.tenancy.models import Plan

CALM = "calm.localhost"


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def premium(brand_a):
    brand_a.plan = Plan.PREMIUM
    brand_a.portal_addon = True
    brand_a.save(update_fields=["plan", "portal_addon"])
    return brand_a


def _message_from_specialist(patient, specialist, body="How are you feeling?"):
    conversation = messaging.conversation_for(
        patient=patient, specialist=specialist, side=Side.SPECIALIST
    )
    messaging.send_message(
        conversation=conversation,
        viewer=messaging_access.specialist_viewer(specialist.user),
        body=body,
    )


def _order(patient, status, number):
    return Order.objects.create(
        brand=patient.brand,
        patient=patient,
        number=number,
        status=status,
        currency="EUR",
        subtotal_minor=1000,
        tax_minor=200,
        total_minor=1200,
    )


def test_a_new_patient_sees_every_card_say_plainly_that_it_is_empty(client_for, premium, patient_a):
    page = home_page(client_for(patient_a.user, CALM))
    for card in ("Upcoming appointments", "Unread messages", "Documents to sign"):
        assert card in page
    assert "Pending orders" in page and "Ready for pickup" in page
    assert "No sessions booked." in page
    assert "You are all caught up." in page
    assert "Nothing waits for your signature." in page
    assert "No orders in progress." in page and "Nothing to collect." in page
    assert "You have no upcoming sessions." in page
    assert "No proposals or requests are waiting." in page
    assert "You have not ordered anything yet." in page
    assert "Book a session" in page and "View documents" in page and "Browse products" in page


def test_the_cards_count_what_the_other_apps_created(
    client_for, premium, patient_a, open_specialist, session_type, book, propose
):
    first = book(patient_a, open_specialist, session_type, days_ahead=2)
    book(patient_a, open_specialist, session_type, days_ahead=4)
    proposal = propose(patient_a, timezone.now() + dt.timedelta(days=6))
    _message_from_specialist(patient_a, open_specialist)
    _message_from_specialist(patient_a, open_specialist, "See you soon")
    _order(patient_a, Order.Status.PROCESSING, "O-1")
    _order(patient_a, Order.Status.READY, "O-2")
    _order(patient_a, Order.Status.COMPLETED, "O-3")
    AvailabilityRequest.objects.create(
        brand=premium,
        patient=patient_a,
        specialist=open_specialist,
        session_type=session_type,
        message="Evenings please",
        expires_at=timezone.now() + dt.timedelta(days=2),
    )

    page = home_page(client_for(patient_a.user, CALM))

    counts = dict(
        (label, int(count))
        for count, label in __import__("re").findall(
            r'summary-card__count">(\d+)</span> <span class="summary-card__label">([^<]+)<', page
        )
    )
    # The propose fixture books one more session first: three booked in all.
    assert counts == {
        "Upcoming appointments": 3,
        "Unread messages": 2,
        "Documents to sign": 0,
        "Pending orders": 1,
        "Ready for pickup": 1,
    }
    assert f"/appointments/{first.uuid}/" in page
    assert f"/appointments/{first.uuid}/reschedule/" in page
    assert "(Europe/London)" in page or "(Europe/Madrid)" in page or "UTC" in page
    assert f"/appointments/{proposal.uuid}/" in page and "Accept or decline" in page
    assert "Your request to" in page
    assert "O-1" in page and "O-2" in page and "O-3" in page


def test_without_the_shop_in_the_plan_no_order_cards_show(client_for, brand_a, patient_a):
    brand_a.plan = Plan.PROFESSIONAL
    brand_a.save(update_fields=["plan"])
    page = home_page(client_for(patient_a.user, CALM))
    assert "Pending orders" not in page and "Recent orders" not in page
    assert "Browse products" not in page


def test_visitors_see_the_front_page_not_a_dashboard(anonymous, brand_a):
    response = anonymous(CALM).get("/")
    page = response.content.decode()
    assert "Create your account" in page
    assert "Upcoming appointments" not in page
    assert "no-store" not in response.get("Cache-Control", "")


def test_another_patients_data_never_shows(
    client_for, premium, patient_a, open_specialist, session_type, book
):
    from conftest import make_user
    from hale.accounts.models import Patient

    other_user = make_user("other@example.com", full_name="Olga Other")
    other = Patient.objects.create(
        brand=premium, user=other_user, email=other_user.email, full_name="Olga"
    )
    book(other, open_specialist, session_type)
    _order(other, Order.Status.READY, "O-OTHER")
    page = home_page(client_for(patient_a.user, CALM))
    assert "O-OTHER" not in page
    assert "No sessions booked." in page


def test_queries_stay_constant_as_the_patients_data_grows_tenfold(
    client_for, premium, patient_a, open_specialist, session_type, book, free_slots, propose
):
    client = client_for(patient_a.user, CALM)
    book(patient_a, open_specialist, session_type)
    _message_from_specialist(patient_a, open_specialist)
    _order(patient_a, Order.Status.READY, "O-0")
    client.get("/")  # the first request of a session does more
    one = _queries(client)

    slots = free_slots(open_specialist, session_type, days_ahead=1, days=10)[::3]
    for slot in slots[:10]:
        book(patient_a, open_specialist, session_type, slot)
    for n in range(10):
        _message_from_specialist(patient_a, open_specialist, f"note {n}")
        _order(patient_a, Order.Status.PROCESSING, f"O-{n + 1}")
    propose(patient_a, timezone.now() + dt.timedelta(days=12))
    assert patient_a.appointments.count() >= 10
    assert _queries(client) == one
    assert Product.objects.count() == 0  # (orders without lines are enough for the cards)
