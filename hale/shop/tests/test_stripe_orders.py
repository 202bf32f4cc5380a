"""Orders paid by card through Stripe (the official SDK against Stripe on loopback): checkout
goes to Stripe's page, the return or the webhook confirms once, a payment arriving after the
order was cancelled is returned, and cancelling a paid order refunds it."""

import json

import pytest
from django.core import mail

from hale.payments.models import LedgerEntry, Payment, Refund
from hale.shop import actions
from hale.shop.models import Order, Product

pytestmark = pytest.mark.django_db

CALM = "calm.localhost"
DECLINED = "4000000000000002"


def _checkout(client, patient, fill_cart, *pairs):
    review = fill_cart(patient, *pairs)
    response = client.post("/shop/checkout/", {"fingerprint": review.fingerprint})
    assert response.status_code == 302, response.content.decode()[:500]
    return Order.objects.get(pk=Order.objects.latest("pk").pk), response["Location"]


def test_checkout_pays_on_stripe_and_the_return_confirms_the_order(
    fake_stripe, client_for, patient_a, products, fill_cart, django_capture_on_commit_callbacks
):
    c = client_for(patient_a.user, CALM)
    fill_cart(patient_a, (products["d3"], 1))
    checkout_page = c.get("/shop/checkout/")
    assert fake_stripe.api_base in checkout_page["Content-Security-Policy"]
    order, location = _checkout(c, patient_a, fill_cart, (products["magnesium"], 1))
    assert location.startswith(fake_stripe.api_base + "/pay/")
    payment = order.payment
    payment.refresh_from_db()
    assert (
        order.status == "pending" and payment.status == "pending" and payment.provider == "stripe"
    )
    assert payment.amount_minor == order.total_minor == 1299 + 260 + 333 + 18
    # A declined card leaves the order waiting, nothing charged.
    assert fake_stripe.pay_checkout(payment.checkout_session_id, DECLINED) == 402
    assert fake_stripe.pay_checkout(payment.checkout_session_id) == 303
    with django_capture_on_commit_callbacks(execute=True):
        back = c.get(f"/orders/{order.uuid}/return/", {"session_id": payment.checkout_session_id})
    assert "Thank you for your order" in back.content.decode()
    order.refresh_from_db()
    assert order.status == "processing" and order.payment.status == "paid"
    assert order.events.filter(kind="paid").count() == 1
    assert LedgerEntry.objects.get(payment=payment, kind="payment").amount_minor == 1910
    subjects = [m.subject for m in mail.outbox if patient_a.email in m.to]
    assert subjects == [f"Order {order.number} is confirmed"]  # one notice, the order's
    # Coming back again (reload) changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        c.get(f"/orders/{order.uuid}/return/", {"session_id": payment.checkout_session_id})
    assert order.events.filter(kind="paid").count() == 1


def test_the_webhook_confirms_an_order_when_the_browser_never_returns(
    fake_stripe,
    client_for,
    anonymous,
    patient_a,
    products,
    fill_cart,
    django_capture_on_commit_callbacks,
):
    c = client_for(patient_a.user, CALM)
    order, _location = _checkout(c, patient_a, fill_cart, (products["d3"], 2))
    session_id = Payment.objects.get(pk=order.payment_id).checkout_session_id
    fake_stripe.pay_checkout(session_id)
    completed = fake_stripe.wait_for_event("checkout.session.completed")
    raw = json.dumps(completed).encode()
    for _ in range(2):  # delivered twice
        with django_capture_on_commit_callbacks(execute=True):
            response = anonymous("localhost").post(
                "/payments/stripe/webhook/",
                raw,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=fake_stripe.sign(raw),
            )
        assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "processing" and order.payment.status == "paid"
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_a_payment_arriving_after_the_order_was_cancelled_is_returned(
    fake_stripe, client_for, patient_a, products, fill_cart, django_capture_on_commit_callbacks
):
    c = client_for(patient_a.user, CALM)
    order, _location = _checkout(c, patient_a, fill_cart, (products["magnesium"], 2))
    payment = Payment.objects.get(pk=order.payment_id)
    session_id = payment.checkout_session_id
    # The patient pays in one tab while cancelling in another; the cancel lands first and
    # the payment page is still open at Stripe (its closing task has not run yet).
    actions.cancel_order(order=order, acting_user=patient_a.user, version=order.version)
    assert Product.objects.get(sku="MG").stock == 2
    assert fake_stripe.pay_checkout(session_id) == 303
    with django_capture_on_commit_callbacks(execute=True):
        back = c.get(f"/orders/{order.uuid}/return/", {"session_id": session_id})
    assert "being refunded" in back.content.decode()
    payment.refresh_from_db()
    order.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert refund.amount_minor == payment.amount_minor and refund.status == "succeeded"
    assert payment.status == "refunded" and order.status == "refunded"
    assert Product.objects.get(sku="MG").stock == 2  # not taken twice, not given back twice


def test_staff_cancel_a_paid_order_and_it_is_refunded_through_stripe(
    fake_stripe,
    client_for,
    patient_a,
    staff_a,
    products,
    fill_cart,
    django_capture_on_commit_callbacks,
):
    c = client_for(patient_a.user, CALM)
    order, _location = _checkout(c, patient_a, fill_cart, (products["d3"], 1))
    session_id = Payment.objects.get(pk=order.payment_id).checkout_session_id
    fake_stripe.pay_checkout(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        c.get(f"/orders/{order.uuid}/return/", {"session_id": session_id})
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff_a).post(
            f"/staff/brands/calm/shop/orders/{order.uuid}/cancel/",
            {"version": order.version, "reason": "Damaged in storage"},
        )
    order.refresh_from_db()
    refund = Refund.objects.get(payment=order.payment)
    assert refund.status == "succeeded" and refund.provider_refund_id.startswith("re_")
    assert order.status == "refunded" and order.payment.status == "refunded"
    assert (
        sum(
            LedgerEntry.objects.filter(payment=order.payment).values_list("amount_minor", flat=True)
        )
        == 0
    )
    titles = [m.subject for m in mail.outbox if patient_a.email in m.to]
    assert f"Order {order.number} was refunded" in titles
