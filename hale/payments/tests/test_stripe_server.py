"""The fake Stripe itself (``stripe_server.FakeStripe``), driven only through the official SDK
and plain HTTP, as the app drives it: Checkout in payment and setup mode, declines, expiry,
Connect onboarding, refunds through the proxy, and signed webhooks delivered to a receiver."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import stripe

from hale.payments.tests.stripe_server import FakeStripe

API_KEY = "sk_test_fake_server_tests"


class Receiver:
    """A webhook endpoint on loopback that records what it is sent; it answers 500 to the
    first ``fail_first`` posts (to see Stripe's retries)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = 0
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._changed:
                    failing = receiver.fail_first > 0
                    receiver.fail_first -= failing
                    if not failing:
                        receiver.received.append((dict(self.headers), body))
                    receiver._changed.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait_for(self, event_type: str, timeout: float = 10) -> tuple[dict[str, str], bytes]:
        def found() -> tuple[dict[str, str], bytes] | None:
            for headers, body in self.received:
                if json.loads(body)["type"] == event_type:
                    return headers, body
            return None

        with self._changed:
            hit = self._changed.wait_for(found, timeout)
        assert hit, f"no {event_type} delivered; got {self.types()}"
        return hit

    def types(self) -> list[str]:
        return [json.loads(body)["type"] for _, body in self.received]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeStripe]:
    with FakeStripe(retry_delays=(0.1, 0.2, 0.4)) as server:
        yield server


@pytest.fixture
def receiver(fake: FakeStripe) -> Iterator[Receiver]:
    fake.reset()
    endpoint = Receiver()
    fake.set_webhook_url(endpoint.url)
    yield endpoint
    fake.set_webhook_url(None)
    endpoint.stop()


@pytest.fixture
def client(fake: FakeStripe, receiver: Receiver) -> stripe.StripeClient:
    base = fake.api_base
    return stripe.StripeClient(
        API_KEY, base_addresses={"api": base, "connect": base, "files": base}
    )


def _post_form(url: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
    """POST a form without following redirects: (status, headers, body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(
            "POST",
            target,
            body=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def _open_without_redirect(url: str) -> tuple[int, str | None]:
    """GET ``url``, not following a redirect: (status, Location)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}")
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        conn.close()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _payment_session(client: stripe.StripeClient, account: str | None = None, **extra: Any):
    params: Any = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 1250,
                    "product_data": {"name": "Video consultation"},
                },
                "quantity": 2,
            }
        ],
        "success_url": "http://127.0.0.1:1/paid?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1:1/cancelled",
        "client_reference_id": "booking-7",
        "metadata": {"payment": "p-7"},
        "payment_intent_data": {"metadata": {"payment": "p-7"}},
        **extra,
    }
    options: Any = {"stripe_account": account} if account else {}
    return client.v1.checkout.sessions.create(params, options)


CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12 / 34", "cvc": "123", "name": "Jo"}


def test_a_direct_charge_with_a_fee_is_paid_on_the_hosted_page_and_signed_events_follow(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
):
    account = client.v1.accounts.create({"type": "express", "email": "dr@example.com"}).id
    session = _payment_session(
        client,
        account,
        payment_intent_data={"application_fee_amount": 250, "metadata": {"payment": "p-7"}},
    )
    assert session.id.startswith("cs_test_") and session.object == "checkout.session"
    assert session.url == f"{fake.api_base}/pay/{session.id}"
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert (session.amount_total, session.currency) == (2500, "eur")
    assert session.payment_intent is None and session.client_reference_id == "booking-7"
    (created,) = fake.find_requests("POST", "/v1/checkout/sessions")
    assert created["stripe_account"] == account
    assert created["params"]["payment_intent_data[application_fee_amount]"] == "250"
    assert created["idempotency_key"]  # the SDK sends one on every POST

    status, page = _get(session.url)
    assert status == 200
    for text in ("Video consultation", "EUR 25.00", "Card number", "Expiry", "CVC"):
        assert text in page
    assert 'for="name">Name on card</label>' in page and ">Pay</button>" in page
    assert 'href="http://127.0.0.1:1/cancelled">Back</a>' in page

    status, headers, _body = _post_form(session.url, CARD)
    assert status == 303
    assert headers["Location"] == f"http://127.0.0.1:1/paid?session_id={session.id}"

    # The session lives on the connected account: found with its header only, as on Stripe.
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.retrieve(session.id)
    paid = client.v1.checkout.sessions.retrieve(session.id, options={"stripe_account": account})
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    intent = client.v1.payment_intents.retrieve(
        paid.payment_intent, options={"stripe_account": account}
    )
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 2500, "eur")
    assert intent.application_fee_amount == 250
    assert intent.metadata.to_dict() == {"payment": "p-7"}

    headers, body = receiver.wait_for("checkout.session.completed")
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], fake.webhook_secret)
    assert event.type == "checkout.session.completed" and event.account == account
    assert event.data.object.id == session.id and event.data.object.payment_intent == intent.id
    assert event.api_version == "2024-06-20" and event.livemode is False
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_wrong")
    # localstripe's own event comes signed with the same secret, marked with the account.
    headers, body = receiver.wait_for("payment_intent.succeeded")
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], fake.webhook_secret)
    assert event.data.object.id == intent.id and event.account == account
    assert event.data.object.application_fee_amount == 250
    # Posted twice: the page is closed and nothing is charged again.
    assert fake.pay_checkout(session.id) == 410
    intents = client.v1.payment_intents.list(options={"stripe_account": account})
    assert [i.id for i in intents.data] == [intent.id]


@pytest.mark.parametrize(
    "card", ["4000000000000002", "4000000000000341"], ids=["generic_decline", "charge_fails"]
)
def test_a_declined_card_keeps_the_session_open(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver, card: str
):
    session = _payment_session(client)
    status, _headers, page = _post_form(session.url, CARD | {"card_number": card})
    assert status == 402 and "Your card was declined." in page and 'role="alert"' in page
    failed = fake.wait_for_event("payment_intent.payment_failed")
    intent = client.v1.payment_intents.retrieve(failed["data"]["object"]["id"])
    assert intent.status == "requires_payment_method"
    assert intent.metadata.to_dict() == {"payment": "p-7"}
    headers, body = receiver.wait_for("payment_intent.payment_failed")
    stripe.Webhook.construct_event(body, headers["Stripe-Signature"], fake.webhook_secret)
    still = client.v1.checkout.sessions.retrieve(session.id)
    assert (still.status, still.payment_status, still.payment_intent) == ("open", "unpaid", None)
    assert "checkout.session.completed" not in [e["type"] for e in fake.events]
    assert "checkout.session.completed" not in receiver.types()
    # Another card on the same page pays.
    assert fake.pay_checkout(session.id) == 303
    assert fake.session(session.id)["payment_status"] == "paid"


def test_an_expired_session_sends_its_event_and_takes_no_payment(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
):
    session = _payment_session(client)
    expired = client.v1.checkout.sessions.expire(session.id)
    assert (expired.status, expired.url) == ("expired", None)
    headers, body = receiver.wait_for("checkout.session.expired")
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], fake.webhook_secret)
    assert event.data.object.id == session.id and "account" not in json.loads(body)
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.checkout.sessions.expire(session.id)
    assert error.value.http_status == 400 and "expired" in str(error.value.user_message)
    status, page = _get(session.url)
    assert status == 410 and "expired" in page
    assert fake.pay_checkout(session.id) == 410
    assert client.v1.payment_intents.list().data == []
    assert fake.session(session.id)["status"] == "expired"


def test_unknown_sessions_and_bad_keys_get_stripe_errors(
    fake: FakeStripe, client: stripe.StripeClient
):
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert error.value.http_status == 404 and error.value.code == "resource_missing"
    assert error.value.json_body["error"]["type"] == "invalid_request_error"
    with pytest.raises(stripe.InvalidRequestError, match="expires_at"):
        _payment_session(client, expires_at=1)
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: sucess_url"):
        client.v1.checkout.sessions.create({"mode": "setup", "sucess_url": "x"})  # type: ignore[typeddict-unknown-key]
    base = fake.api_base
    anonymous = stripe.StripeClient("sk_live_x", base_addresses={"api": base})
    with pytest.raises(stripe.AuthenticationError):
        anonymous.v1.checkout.sessions.retrieve("cs_test_nope")
    assert _get(f"{base}/pay/cs_test_nope")[0] == 404


def test_setup_mode_saves_the_card_for_an_off_session_payment(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
):
    customer = client.v1.customers.create({"email": "pat@example.com"})
    session = client.v1.checkout.sessions.create(
        {
            "mode": "setup",
            "currency": "eur",
            "customer": customer.id,
            "success_url": "http://127.0.0.1:1/saved",
            "cancel_url": "http://127.0.0.1:1/back",
            "setup_intent_data": {"metadata": {"patient": "pa-1"}},
        }
    )
    assert (session.payment_status, session.amount_total) == ("no_payment_required", None)
    status, page = _get(session.url)
    assert status == 200 and ">Save card</button>" in page
    assert fake.pay_checkout(session.id) == 303
    done = client.v1.checkout.sessions.retrieve(session.id, {"expand": ["setup_intent"]})
    assert done.status == "complete" and done.setup_intent.id.startswith("seti_")
    assert done.setup_intent.status == "succeeded"
    assert done.setup_intent.metadata.to_dict() == {"patient": "pa-1"}
    (method,) = client.v1.customers.payment_methods.list(customer.id).data
    assert method.card.last4 == "4242" and method.customer == customer.id
    assert method.id == done.setup_intent.payment_method
    event = fake.wait_for_event("checkout.session.completed")
    assert event["data"]["object"]["setup_intent"] == done.setup_intent.id

    charge = client.v1.payment_intents.create(
        {
            "amount": 6000,
            "currency": "eur",
            "customer": customer.id,
            "payment_method": method.id,
            "confirm": True,
            "off_session": True,
            "transfer_data": {"destination": "acct_someone"},
            "application_fee_amount": 600,
        }
    )
    assert (charge.status, charge.amount) == ("succeeded", 6000)
    assert charge.application_fee_amount == 600
    assert charge.transfer_data.destination == "acct_someone"
    request = fake.find_requests("POST", "/v1/payment_intents")[-1]
    assert request["stripped"] == {
        "transfer_data[destination]": "acct_someone",
        "application_fee_amount": "600",
    }


def test_a_declined_card_is_not_saved(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
):
    customer = client.v1.customers.create({"email": "pat@example.com"})
    session = client.v1.checkout.sessions.create(
        {"mode": "setup", "currency": "eur", "customer": customer.id, "success_url": "http://x"}
    )
    assert fake.pay_checkout(session.id, card="4000000000000002") == 402
    assert fake.session(session.id)["status"] == "open"
    assert client.v1.customers.payment_methods.list(customer.id).data == []


def test_a_refund_of_a_direct_charge_goes_through_the_proxy_with_the_fee_returned(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
):
    account = client.v1.accounts.create({"type": "express"}).id
    on_account: Any = {"stripe_account": account}
    intent = client.v1.payment_intents.create(
        {
            "amount": 4000,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "application_fee_amount": 400,
            "automatic_payment_methods": {"enabled": True},
        },
        on_account,
    )
    assert intent.status == "succeeded" and intent.application_fee_amount == 400
    assert intent.automatic_payment_methods.enabled is True
    refund = client.v1.refunds.create(
        {"payment_intent": intent.id, "amount": 1000, "refund_application_fee": True},
        {"stripe_account": account, "idempotency_key": "refund-1"},
    )
    assert (refund.status, refund.amount, refund.payment_intent) == ("succeeded", 1000, intent.id)
    (request,) = fake.find_requests("POST", "/v1/refunds")
    assert request["stripe_account"] == account and request["idempotency_key"] == "refund-1"
    assert request["params"]["refund_application_fee"] == "true"
    assert request["stripped"] == {"refund_application_fee": "true"}
    # The same key again: Stripe's answer is replayed, no second refund.
    again = client.v1.refunds.create(
        {"payment_intent": intent.id, "amount": 1000, "refund_application_fee": True},
        {"stripe_account": account, "idempotency_key": "refund-1"},
    )
    assert again.id == refund.id
    assert len(client.v1.refunds.list({"payment_intent": intent.id}, on_account).data) == 1
    # The platform does not see the connected account's objects.
    with pytest.raises(stripe.InvalidRequestError, match="No such payment_intent"):
        client.v1.refunds.create({"payment_intent": intent.id})


def test_connect_onboarding_enables_charges_and_sends_account_updated(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
):
    account = client.v1.accounts.create(
        {
            "type": "express",
            "country": "DE",
            "email": "dr@example.com",
            "metadata": {"specialist": "s-1"},
            "capabilities": {"card_payments": {"requested": True}},
        }
    )
    assert account.id.startswith("acct_") and account.object == "account"
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (
        False,
        False,
        False,
    )
    link = client.v1.account_links.create(
        {
            "account": account.id,
            "refresh_url": "http://127.0.0.1:1/refresh",
            "return_url": "http://127.0.0.1:1/returned",
            "type": "account_onboarding",
        }
    )
    assert link.object == "account_link" and link.expires_at > link.created
    assert link.url.startswith(f"{fake.api_base}/connect/onboard/{account.id}?")
    status, page = _get(link.url)
    assert status == 200 and ">Complete onboarding</button>" in page
    form = re.search(r'<form method="post" action="([^"]+)">.*name="link" value="(\w+)"', page)
    assert form
    status, headers, _body = _post_form(fake.api_base + form[1], {"link": form[2]})
    assert status == 303 and headers["Location"] == "http://127.0.0.1:1/returned"
    # The link was used: opening it again goes to refresh_url, as on Stripe.
    assert _open_without_redirect(link.url) == (303, "http://127.0.0.1:1/refresh")
    enabled = client.v1.accounts.retrieve(account.id)
    assert (enabled.charges_enabled, enabled.payouts_enabled, enabled.details_submitted) == (
        True,
        True,
        True,
    )
    assert enabled.capabilities.card_payments == "active"
    assert enabled.metadata.to_dict() == {"specialist": "s-1"}
    headers, body = receiver.wait_for("account.updated")
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], fake.webhook_secret)
    assert event.account == account.id and event.data.object.charges_enabled is True
    assert event.data.previous_attributes.charges_enabled is False


def test_send_event_signs_like_stripe_and_retries_failed_deliveries(
    fake: FakeStripe, receiver: Receiver
):
    receiver.fail_first = 2
    sent = fake.send_event("invoice.paid", {"id": "in_1", "object": "invoice"}, account="acct_1")
    assert sent["id"].startswith("evt_") and sent["account"] == "acct_1"
    headers, body = receiver.wait_for("invoice.paid")
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], fake.webhook_secret)
    assert event.id == sent["id"] and event.data.object.id == "in_1"
    # The delivery thread records the last attempt once its answer is read: wait for it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        statuses = [d["status"] for d in fake.deliveries if d["event"] == sent["id"]]
        if len(statuses) == 3:
            break
        time.sleep(0.05)
    assert statuses == [500, 500, 200]
    assert fake.wait_for_event("invoice.paid") == sent
    payload = json.dumps(sent).encode()
    assert stripe.Webhook.construct_event(payload, fake.sign(payload), fake.webhook_secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload + b" ", fake.sign(payload), fake.webhook_secret)
