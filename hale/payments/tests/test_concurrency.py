"""Many payments at once on PostgreSQL: 50 holds paid, each settled by the webhook and by
the browser's return at the same moment, confirm exactly once each; the ledger matches what
Stripe holds."""

import datetime as dt

import pytest
from django.db import connection

from hale.payments import actions, stripe_api
from hale.payments.models import LedgerEntry, Payment
from hale.scheduling.models import Appointment, AppointmentEvent
from tests.race import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_fifty_holds_paid_at_once_each_confirm_exactly_once(
    fake_stripe, patient_a, open_specialist, session_type, book, free_slots
):
    slots, free_from = [], None
    for slot in free_slots(open_specialist, session_type, days_ahead=2, days=14):
        if free_from is None or slot.start >= free_from:  # 50 min + 10 min buffer apart
            slots.append(slot)
            free_from = slot.end + dt.timedelta(minutes=10)
    slots = slots[:50]
    assert len(slots) == 50
    payments = []
    for slot in slots:
        appointment = book(patient_a, open_specialist, session_type, slot=slot)
        payment = Payment.objects.get(appointment=appointment)
        actions.open_checkout(
            payment=payment,
            acting_user=patient_a.user,
            success_url="http://calm.localhost/ok?session_id={CHECKOUT_SESSION_ID}",
            cancel_url="http://calm.localhost/back",
        )
        payment.refresh_from_db()
        assert fake_stripe.pay_checkout(payment.checkout_session_id) == 303
        payments.append(payment)
    for batch in (payments[:25], payments[25:]):
        attempts = [
            (lambda p=p: actions.settle_checkout(p.checkout_session_id))
            for p in batch
            for _twice in range(2)  # the webhook and the browser's return
        ]
        outcomes = race(attempts, classify=lambda exc: f"error: {exc!r}")
        assert outcomes == ["applied"] * 50
    assert Payment.objects.filter(status="paid").count() == 50
    assert Appointment.objects.filter(status="confirmed").count() == 50
    assert AppointmentEvent.objects.filter(kind="paid").count() == 50
    assert LedgerEntry.objects.filter(kind="payment").count() == 50
    client = stripe_api.client()
    provider_total = sum(
        client.payment_intents.retrieve(p.payment_intent_id).amount for p in Payment.objects.all()
    )
    ledger_total = sum(
        LedgerEntry.objects.filter(kind="payment").values_list("amount_minor", flat=True)
    )
    assert ledger_total == provider_total == 50 * 6000
