"""Card payments through Stripe (the official SDK against Stripe on loopback): holds,
payment pages, the browser's return and webhooks, late and duplicate payments, refunds,
Connect direct charges with the platform fee, and saved cards."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone

from hale.payments import actions, stripe_api, tasks
from hale.payments.models import ConnectedAccount, LedgerEntry, Payment, PaymentSettings, Refund
from hale.payments.tests.conftest import ledger_sum
from hale.scheduling import actions as scheduling
from hale.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

CALM = "calm.localhost"
DECLINED = "4000000000000002"


def _hold(book, patient, specialist, session_type, capture, **kwargs):
    with capture(execute=True):
        appointment = book(patient, specialist, session_type, **kwargs)
    return appointment, Payment.objects.get(appointment=appointment)


def _open_page(client, payment):
    response = client.post(f"/payments/{payment.uuid}/checkout/")
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.checkout_session_id.startswith("cs_")
    return response["Location"]


def test_a_paid_booking_holds_the_time_until_paid_then_confirms(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    free_slots,
    django_capture_on_commit_callbacks,
):
    slot = free_slots(open_specialist, session_type)[0]
    appointment, payment = _hold(
        book,
        patient_a,
        open_specialist,
        session_type,
        django_capture_on_commit_callbacks,
        slot=slot,
    )
    assert appointment.status == "pending_payment"
    assert payment.status == "pending" and payment.provider == "stripe"
    left = payment.hold_expires_at - timezone.now()
    assert dt.timedelta(minutes=9) < left <= dt.timedelta(minutes=10)
    assert appointment.expires_at == payment.hold_expires_at
    # The held time is not offered to anyone else.
    assert slot.start not in [s.start for s in free_slots(open_specialist, session_type)]
    c = client_for(patient_a.user, CALM)
    page = c.get(f"/payments/{payment.uuid}/pay/")
    assert "We hold this time for you until" in page.content.decode()
    assert fake_stripe.api_base in page["Content-Security-Policy"]  # the form may go there
    url = _open_page(c, payment)
    assert url.startswith(fake_stripe.api_base + "/pay/")
    assert fake_stripe.pay_checkout(payment.checkout_session_id) == 303
    with django_capture_on_commit_callbacks(execute=True):
        back = c.get(
            f"/payments/{payment.uuid}/return/", {"session_id": payment.checkout_session_id}
        )
    assert "is confirmed" in back.content.decode()
    appointment.refresh_from_db()
    payment.refresh_from_db()
    assert appointment.status == "confirmed" and appointment.expires_at is None
    assert payment.status == "paid" and payment.payment_intent_id.startswith("pi_")
    assert dict(LedgerEntry.objects.values_list("kind", "amount_minor")) == {
        "payment": 6000,
        "fee": 900,
        "payable": 5100,
    }
    # Ledger equals what the provider holds.
    intent = stripe_api.client().payment_intents.retrieve(payment.payment_intent_id)
    assert (intent.status, intent.amount) == ("succeeded", ledger_sum(kind="payment"))
    assert patient_a.user.notifications.filter(kind="payments.paid").exists()
    assert any("Payment received" in m.subject for m in mail.outbox)
    assert appointment.events.filter(kind="paid").count() == 1


def test_a_declined_card_charges_nothing_and_keeps_the_hold(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    django_capture_on_commit_callbacks,
):
    appointment, payment = _hold(
        book, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
    )
    c = client_for(patient_a.user, CALM)
    _open_page(c, payment)
    assert fake_stripe.pay_checkout(payment.checkout_session_id, card=DECLINED) == 402
    actions.settle_checkout(payment.checkout_session_id)
    payment.refresh_from_db()
    appointment.refresh_from_db()
    assert payment.status == "pending" and appointment.status == "pending_payment"
    assert not LedgerEntry.objects.exists()
    # The patient can try again on the same page with another card.
    assert fake_stripe.pay_checkout(payment.checkout_session_id) == 303
    actions.settle_checkout(payment.checkout_session_id)
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_an_abandoned_payment_releases_the_hold_and_closes_the_page(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    free_slots,
    django_capture_on_commit_callbacks,
):
    slot = free_slots(open_specialist, session_type)[0]
    appointment, payment = _hold(
        book,
        patient_a,
        open_specialist,
        session_type,
        django_capture_on_commit_callbacks,
        slot=slot,
    )
    c = client_for(patient_a.user, CALM)
    _open_page(c, payment)
    past = timezone.now() - dt.timedelta(seconds=1)
    Payment.objects.filter(pk=payment.pk).update(hold_expires_at=past)
    Appointment.objects.filter(pk=appointment.pk).update(expires_at=past)
    # Already free for everyone before any worker ran (derived from the expiry).
    assert slot.start in [s.start for s in free_slots(open_specialist, session_type)]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.release_lapsed_holds.call() == 1
    appointment.refresh_from_db()
    payment.refresh_from_db()
    assert appointment.status == "expired" and payment.status == "cancelled"
    assert fake_stripe.session(payment.checkout_session_id)["status"] == "expired"
    assert patient_a.user.notifications.filter(kind="payments.released").exists()
    page = c.get(f"/payments/{payment.uuid}/pay/").content.decode()
    assert "was released" in page and "Book again" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.release_lapsed_holds.call() == 0  # once


def test_a_patient_can_give_the_time_up(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    django_capture_on_commit_callbacks,
):
    appointment, payment = _hold(
        book, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
    )
    c = client_for(patient_a.user, CALM)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/payments/{payment.uuid}/release/")
    appointment.refresh_from_db()
    assert appointment.status == "expired"
    assert Payment.objects.get(pk=payment.pk).status == "cancelled"


def test_a_payment_arriving_after_the_hold_lapsed_confirms_if_free_else_is_refunded(
    fake_stripe,
    client_for,
    patient_a,
    patient_a2,
    open_specialist,
    session_type,
    book,
    free_slots,
    django_capture_on_commit_callbacks,
):
    slots = free_slots(open_specialist, session_type)
    c = client_for(patient_a.user, CALM)
    outcomes = []
    for slot, taken in ((slots[0], False), (slots[3], True)):
        appointment, payment = _hold(
            book,
            patient_a,
            open_specialist,
            session_type,
            django_capture_on_commit_callbacks,
            slot=slot,
        )
        _open_page(c, payment)
        past = timezone.now() - dt.timedelta(seconds=1)
        Payment.objects.filter(pk=payment.pk).update(hold_expires_at=past)
        Appointment.objects.filter(pk=appointment.pk).update(expires_at=past)
        with django_capture_on_commit_callbacks(execute=True):
            scheduling.release_hold(appointment=appointment)
        if taken:
            with django_capture_on_commit_callbacks(execute=True):
                book(patient_a2, open_specialist, session_type, slot=slot)
        assert fake_stripe.pay_checkout(payment.checkout_session_id) in (303, 410)
        # Stripe may refuse a closed page; a payment made just before it closed still counts.
        if fake_stripe.session(payment.checkout_session_id)["status"] != "complete":
            continue
        with django_capture_on_commit_callbacks(execute=True):
            actions.settle_checkout(payment.checkout_session_id)
        appointment.refresh_from_db()
        outcomes.append((taken, appointment.status, Payment.objects.get(pk=payment.pk).status))
    for taken, status, paid in outcomes:
        if taken:
            assert status == "expired" and paid == "refunded"
        else:
            assert status == "confirmed" and paid == "paid"


def test_webhooks_are_verified_applied_once_and_order_does_not_matter(
    fake_stripe,
    client_for,
    anonymous,
    patient_a,
    open_specialist,
    session_type,
    book,
    django_capture_on_commit_callbacks,
):
    appointment, payment = _hold(
        book, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
    )
    _open_page(client_for(patient_a.user, CALM), payment)
    fake_stripe.pay_checkout(payment.checkout_session_id)
    completed = fake_stripe.wait_for_event("checkout.session.completed")
    body = json.dumps(completed).encode()
    hook = anonymous("localhost")
    url = "/payments/stripe/webhook/"
    assert hook.post(url, body, content_type="application/json").status_code == 400
    forged = hook.post(
        url,
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=" + "0" * 64,
    )
    assert forged.status_code == 400
    tampered = json.dumps({**completed, "id": "evt_forged"}).encode()
    assert (
        hook.post(
            url,
            tampered,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=fake_stripe.sign(body),
        ).status_code
        == 400
    )
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    # Out of order: the intent's event first, then the page's, then a replay of both.
    intent_event = fake_stripe.send_event(
        "payment_intent.succeeded",
        stripe_api.client()
        .payment_intents.retrieve(
            fake_stripe.session(payment.checkout_session_id)["payment_intent"]
        )
        .to_dict(),
    )
    for event in (intent_event, completed, intent_event, completed):
        raw = json.dumps(event).encode()
        with django_capture_on_commit_callbacks(execute=True):
            response = hook.post(
                url,
                raw,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=fake_stripe.sign(raw),
            )
        assert response.status_code == 200
    payment.refresh_from_db()
    appointment.refresh_from_db()
    assert payment.status == "paid" and appointment.status == "confirmed"
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    assert appointment.events.filter(kind="paid").count() == 1


def test_a_second_payment_for_the_same_booking_is_returned(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    django_capture_on_commit_callbacks,
):
    _appointment, payment = _hold(
        book, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
    )
    c = client_for(patient_a.user, CALM)
    _open_page(c, payment)
    first = payment.checkout_session_id
    _open_page(c, payment)  # a second tab
    second = Payment.objects.get(pk=payment.pk).checkout_session_id
    assert first != second
    for session in (first, second):
        assert fake_stripe.pay_checkout(session) == 303
        with django_capture_on_commit_callbacks(execute=True):
            actions.settle_checkout(session)
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.refunded_minor == 0
    refund = Refund.objects.get(payment=payment)
    assert refund.status == "succeeded" and refund.amount_minor == 6000
    refunds = [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]
    assert len(refunds) == 1
    # Both payments and the returned one are in the ledger; the net is one session.
    assert ledger_sum(kind="payment") + ledger_sum(kind="refund") == 6000


def _paid(fake, client, payment, capture):
    _open_page(client, payment)
    fake.pay_checkout(payment.checkout_session_id)
    with capture(execute=True):
        actions.settle_checkout(payment.checkout_session_id, payment.stripe_account)
    payment.refresh_from_db()
    return payment


def test_cancelling_refunds_through_stripe_as_the_policy_says(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    rules_a,
    django_capture_on_commit_callbacks,
):
    appointment, payment = _hold(
        book,
        patient_a,
        open_specialist,
        session_type,
        django_capture_on_commit_callbacks,
        days_ahead=3,
    )
    c = client_for(patient_a.user, CALM)
    payment = _paid(fake_stripe, c, payment, django_capture_on_commit_callbacks)
    detail = c.get(f"/appointments/{appointment.uuid}/").content.decode()
    assert "You will be refunded in full: 60.00 EUR." in detail
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            f"/appointments/{appointment.uuid}/cancel/",
            {"reason": "Travel", "version": Appointment.objects.get(pk=appointment.pk).sequence},
        )
    payment.refresh_from_db()
    assert payment.status == "refunded"
    (request,) = [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]
    assert request["params"]["amount"] == "6000"
    assert request["idempotency_key"] == f"refund-{Refund.objects.get().uuid}"
    refund = stripe_api.client().refunds.retrieve(Refund.objects.get().provider_refund_id)
    assert refund.amount == -ledger_sum(kind="refund") == 6000


def test_connect_direct_charges_carry_the_platform_fee(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    brand_a,
    django_capture_on_commit_callbacks,
):
    PaymentSettings.objects.create(brand=brand_a, flow="connect", commission_percent=10)
    practice = client_for(open_specialist.user)
    onboarding = practice.post("/practice/payments/connect/")
    assert onboarding["Location"].startswith(fake_stripe.api_base + "/connect/onboard/")
    account = ConnectedAccount.objects.get(specialist=open_specialist)
    assert not account.charges_enabled
    fake_stripe.complete_onboarding(account.account_id)
    practice.get("/practice/payments/connected/")
    account.refresh_from_db()
    assert account.charges_enabled
    assert "Connected" in practice.get("/practice/payments/").content.decode()
    _appointment, payment = _hold(
        book,
        patient_a,
        open_specialist,
        session_type,
        django_capture_on_commit_callbacks,
        days_ahead=4,
    )
    assert (payment.flow, payment.stripe_account, payment.fee_minor) == (
        "connect",
        account.account_id,
        600,
    )
    payment = _paid(
        fake_stripe, client_for(patient_a.user, CALM), payment, django_capture_on_commit_callbacks
    )
    (created,) = [r for r in fake_stripe.requests if r["path"] == "/v1/checkout/sessions"]
    assert created["stripe_account"] == account.account_id
    assert created["params"]["payment_intent_data[application_fee_amount]"] == "600"
    assert not LedgerEntry.objects.filter(kind="payable").exists()  # paid to them directly
    with django_capture_on_commit_callbacks(execute=True):
        actions.refund_by_hand(
            payment=payment, amount_minor=3000, reason="Half", acting_user=None, brand=brand_a
        )
    (refund,) = [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]
    assert refund["stripe_account"] == account.account_id
    assert refund["params"].get("refund_application_fee") == "true"
    assert ledger_sum(kind="fee") == 300


def test_a_saved_card_authorised_for_the_specialist_pays_a_later_session(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    propose,
    django_capture_on_commit_callbacks,
):
    c = client_for(patient_a.user, CALM)
    start = timezone.now() + dt.timedelta(days=9)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(patient_a, start.replace(minute=0, second=0, microsecond=0))
    # The first booking was held; pay it so only the proposal is left.
    first = Payment.objects.get(status="pending")
    _paid(fake_stripe, c, first, django_capture_on_commit_callbacks)
    setup = c.post("/payments/cards/add/")
    assert setup["Location"].startswith(fake_stripe.api_base + "/pay/")
    session_id = setup["Location"].rsplit("/", 1)[-1]
    assert fake_stripe.pay_checkout(session_id) == 303
    c.get("/payments/cards/", {"session_id": session_id})
    card = patient_a.saved_cards.get()
    assert card.last4 == "4242"
    c.post(f"/payments/cards/{card.uuid}/authorize/", {"specialists": [str(open_specialist.uuid)]})
    assert list(card.authorized_specialists.all()) == [open_specialist]
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.accept_proposal(appointment=proposal, acting_user=patient_a.user)
    due = Payment.objects.get(appointment=proposal)
    assert due.status == "pending" and due.hold_expires_at is None
    practice = client_for(open_specialist.user)
    assert "Charge saved card" in practice.get("/practice/payments/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        practice.post(f"/practice/payments/{due.uuid}/charge/")
    due.refresh_from_db()
    assert due.status == "paid"
    c.post(f"/payments/cards/{card.uuid}/remove/")
    assert not patient_a.saved_cards.exists()
    methods = stripe_api.client().payment_methods.list(
        {"customer": due.patient.stripe_customer.customer_id, "type": "card"}
    )
    assert not methods.data


def test_nobody_else_can_pay_release_or_charge(
    fake_stripe,
    client_for,
    patient_a,
    patient_b,
    specialist_2,
    open_specialist,
    session_type,
    book,
    django_capture_on_commit_callbacks,
):
    _appointment, payment = _hold(
        book, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
    )
    other = client_for(patient_b.user, "northside.localhost")
    assert other.post(f"/payments/{payment.uuid}/checkout/").status_code == 404
    assert other.post(f"/payments/{payment.uuid}/release/").status_code == 404
    assert (
        client_for(specialist_2.user).post(f"/practice/payments/{payment.uuid}/charge/").status_code
        == 404
    )
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_deleting_the_account_deletes_the_stripe_customer_and_its_cards(
    fake_stripe, patient_a, django_capture_on_commit_callbacks
):
    from hale.payments.data_rights import erase_payments
    from hale.payments.models import Customer

    session = stripe_api.create_setup_checkout(
        customer_id=actions._customer_id(patient_a),
        patient=patient_a,
        success_url="http://calm.localhost/ok",
        cancel_url="http://calm.localhost/no",
    )
    assert fake_stripe.pay_checkout(session.id) == 303
    actions.save_card_from_checkout(session.id, patient=patient_a)
    customer_id = Customer.objects.get(patient=patient_a).customer_id
    with django_capture_on_commit_callbacks(execute=True):
        erase_payments(patient_a.user, acting_user=patient_a.user)
    assert not patient_a.saved_cards.exists() and not Customer.objects.exists()
    assert [
        r
        for r in fake_stripe.requests
        if r["method"] == "DELETE" and r["path"] == f"/v1/customers/{customer_id}"
    ]


def test_a_refund_stripe_refuses_is_marked_failed_and_can_be_made_again(
    fake_stripe,
    client_for,
    patient_a,
    open_specialist,
    session_type,
    book,
    brand_a,
    django_capture_on_commit_callbacks,
):
    _appointment, payment = _hold(
        book, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
    )
    payment = _paid(
        fake_stripe, client_for(patient_a.user, CALM), payment, django_capture_on_commit_callbacks
    )
    real_intent = payment.payment_intent_id
    Payment.objects.filter(pk=payment.pk).update(payment_intent_id="pi_unknown")
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        actions.refund_by_hand(
            payment=payment, amount_minor=1000, reason="Goodwill", acting_user=None, brand=brand_a
        )
    failed = Refund.objects.get()
    assert failed.status == "failed" and failed.failure
    assert not LedgerEntry.objects.filter(kind="refund").exists()
    Payment.objects.filter(pk=payment.pk).update(payment_intent_id=real_intent)
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        actions.refund_by_hand(
            payment=payment, amount_minor=1000, reason="Again", acting_user=None, brand=brand_a
        )
    payment.refresh_from_db()
    assert payment.refunded_minor == 1000
