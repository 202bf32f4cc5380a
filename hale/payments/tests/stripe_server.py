"""A Stripe-compatible test server on loopback, for the payments tests.

``FakeStripe()`` runs two servers on 127.0.0.1:

* **localstripe** (a subprocess) keeps the core objects: Customers, PaymentMethods,
  PaymentIntents, SetupIntents, Charges and Refunds, and raises their events
  (``payment_intent.succeeded``, ``payment_intent.payment_failed``, ``customer.created`` …).
* **ours** (``fake.api_base``, a ``ThreadingHTTPServer`` in a daemon thread) is where the SDK
  points. It serves what localstripe lacks, in Stripe's documented JSON shapes:

  - Checkout Sessions (``/v1/checkout/sessions``) and their hosted payment page
    (``/pay/<id>``), which pays through localstripe;
  - Connect accounts (``/v1/accounts``), account links and the onboarding page
    (``/connect/onboard/<acct>``);
  - signed webhooks: our own events and localstripe's (relayed: localstripe posts them to us,
    we add ``account`` for objects made on a connected account, re-sign them with
    ``fake.webhook_secret`` and deliver them to ``fake.set_webhook_url(...)``, retrying
    like Stripe does);
  - idempotency keys (a repeated key replays the first answer, as Stripe does);
  - Connect scoping: an object made with a ``Stripe-Account`` header is only found with the
    same header (Stripe answers 404 otherwise).

  Every other ``/v1/`` request is forwarded to localstripe, without the ``Stripe-Account``
  header and without the parameters localstripe does not know but Stripe has (e.g.
  ``application_fee_amount``, ``transfer_data``, ``refund_application_fee``); those are recorded
  (``fake.requests[i]["stripped"]``) and echoed back on the PaymentIntents they were sent for.

Every request is recorded in ``fake.requests``; every event in ``fake.events``.

Test cards: localstripe declines 4000000000000002 (and Stripe's other "declined" test cards)
only when a card is *attached* to a customer, never when it is charged; it declines charges only
for 4000000000000341 (and 4000008260003178 / 4000008400001629 after 3-D Secure). So the hosted
page declines Stripe's decline test cards itself, as Stripe's Checkout would; a PaymentIntent
created through the API with such a card still succeeds in localstripe (use
4000000000000341 / ``pm_card_chargeCustomerFail`` there).
"""

from __future__ import annotations

import atexit
import base64
import functools
import hashlib
import hmac
import html
import http.client
import json
import re
import secrets
import socket
import string
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

API_VERSION = "2024-06-20"

# localstripe's own launcher listens on every interface ("::") and pickles its whole store to
# /tmp/localstripe.pickle after every write (one file shared by every process). We start it
# from scratch anyway, so ours listens on loopback only and keeps the store in memory.
_LOCALSTRIPE_LAUNCHER = """
import sys
from aiohttp import web
from localstripe import server
from localstripe.resources import Store

Store.dump_to_disk = lambda self: None
web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""
_INTERNAL_KEY = "sk_test_fakestripe_internal"
_RELAY_PATH = "/_fakestripe/localstripe-events"

# Parameters Stripe has and localstripe rejects ("Unexpected …"): stripped before forwarding.
_PI_EXTRA = frozenset(
    {
        "application_fee_amount",
        "automatic_payment_methods",
        "confirmation_method",
        "description",
        "error_on_requires_action",
        "mandate_data",
        "on_behalf_of",
        "payment_method_configuration",
        "radar_options",
        "receipt_email",
        "return_url",
        "setup_future_usage",
        "shipping",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "transfer_data",
        "transfer_group",
        "use_stripe_sdk",
    }
)
_UNKNOWN_TO_LOCALSTRIPE: list[tuple[str, re.Pattern[str], frozenset[str]]] = [
    ("POST", re.compile(r"/v1/payment_intents(/pi_\w+)?"), _PI_EXTRA),
    (
        "POST",
        re.compile(r"/v1/payment_intents/pi_\w+/confirm"),
        frozenset({"return_url", "setup_future_usage", "off_session", "mandate_data"})
        | {"error_on_requires_action", "use_stripe_sdk"},
    ),
    ("POST", re.compile(r"/v1/payment_intents/pi_\w+/cancel"), frozenset({"cancellation_reason"})),
    (
        "POST",
        re.compile(r"/v1/refunds"),
        frozenset({"refund_application_fee", "reverse_transfer", "reason", "instructions_email"}),
    ),
]
# Stripped parameters that are attributes of the object: shown in its JSON (null when unset).
_ECHOED: dict[str, frozenset[str]] = {
    "payment_intent": frozenset(
        {
            "application_fee_amount",
            "automatic_payment_methods",
            "cancellation_reason",
            "description",
            "on_behalf_of",
            "receipt_email",
            "setup_future_usage",
            "statement_descriptor",
            "transfer_data",
            "transfer_group",
        }
    ),
    "refund": frozenset({"reason"}),
}

# Stripe's test cards declined at charge time that localstripe declines only when attaching:
# number -> (code, decline_code, message).
_DECLINED_CARDS: dict[str, tuple[str, str | None, str]] = {
    "4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "4000000000009987": ("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": ("card_declined", "stolen_card", "Your card was declined."),
    "4000000000000069": ("expired_card", None, "Your card has expired."),
    "4000000000000127": ("incorrect_cvc", None, "Your card's security code is incorrect."),
    "4000000000000119": (
        "processing_error",
        None,
        "An error occurred while processing your card. Try again in a little bit.",
    ),
    "4242424242424241": ("incorrect_number", None, "Your card number is incorrect."),
}
_ZERO_DECIMAL = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf"})
_ZERO_DECIMAL |= {"ugx", "vnd", "vuv", "xaf", "xof", "xpf"}

# Checkout Session parameters: the ones we use, and Stripe's others we accept and ignore.
_SESSION_PARAMS = frozenset(
    {
        "cancel_url",
        "client_reference_id",
        "currency",
        "customer",
        "customer_email",
        "expand",
        "expires_at",
        "line_items",
        "metadata",
        "mode",
        "payment_intent_data",
        "setup_intent_data",
        "success_url",
        "ui_mode",
    }
)
_SESSION_IGNORED = frozenset(
    {
        "after_expiration",
        "allow_promotion_codes",
        "automatic_tax",
        "billing_address_collection",
        "consent_collection",
        "custom_fields",
        "custom_text",
        "customer_creation",
        "customer_update",
        "invoice_creation",
        "locale",
        "payment_method_collection",
        "payment_method_options",
        "payment_method_types",
        "phone_number_collection",
        "saved_payment_method_options",
        "shipping_address_collection",
        "submit_type",
        "tax_id_collection",
    }
)
_ONBOARDING_DUE = ["business_profile.url", "external_account", "tos_acceptance.date"]


def _random_id(prefix: str, length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _flatten(data: dict[Any, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``{"card": {"number": "42"}}`` -> ``[("card[number]", "42")]`` (None values dropped)."""
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, dict):
            pairs += _flatten(value, name)
        elif isinstance(value, list | tuple):
            pairs += _flatten(dict(enumerate(value)), name)
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        else:
            pairs.append((name, str(value)))
    return pairs


def _unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The inverse of ``_flatten``: ``a[b][0]=x`` -> ``{"a": {"b": ["x"]}}`` (values stay str)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        path = [key.split("[", 1)[0], *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break  # "a=1&a[b]=2": keep the first
            node = child
        else:
            node[path[-1] or str(len(node))] = value
    listed = _listify(root)
    assert isinstance(listed, dict)
    return listed


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v) for k, v in value.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def _typed(value: Any, key: str = "") -> Any:
    """Form strings as Stripe's JSON shows them: booleans, and integers for amounts."""
    if isinstance(value, dict):
        return {k: _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v, key) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and key.endswith("amount") and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _expiry_year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _money(amount: int, currency: str) -> str:
    if currency.lower() in _ZERO_DECIMAL:
        return f"{currency.upper()} {amount}"
    return f"{currency.upper()} {amount / 100:.2f}"


def _signature(payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, payload: Any) -> _Response:
    return _Response(status, (json.dumps(payload, indent=2) + "\n").encode())


class _ApiError(Exception):
    """A Stripe error answer: ``{"error": {"type": …, "message": …}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        error: dict[str, Any] = {"type": type_, "message": message}
        if code:
            error["code"] = code
        if param:
            error["param"] = param
        self.response = _json(status, {"error": error})


@dataclass
class _Request:
    method: str
    path: str
    params: list[tuple[str, str]]  # the form body (POST) or the query string
    headers: Message

    @property
    def api_key(self) -> str | None:
        scheme, _, credentials = (self.headers.get("Authorization") or "").partition(" ")
        if scheme == "Bearer":
            return credentials
        if scheme == "Basic":
            try:
                return base64.b64decode(credentials).decode().split(":", 1)[0]
            except ValueError:
                return None
        return None

    @property
    def stripe_account(self) -> str | None:
        return self.headers.get("Stripe-Account") or None

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key") or None

    def data(self) -> dict[str, Any]:
        return _unflatten(self.params)


@dataclass
class _Session:
    obj: dict[str, Any]  # the Checkout Session as the API shows it
    stripe_account: str | None
    product_name: str
    payment_intent_data: dict[str, Any]
    setup_intent_data: dict[str, Any]
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeStripe


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            response = self.server.fake._dispatch(self.command, self.path, self.headers, body)
        except Exception as exc:  # a bug in the fake: say so, the way Stripe reports its own
            traceback.print_exc()
            response = _json(
                500, {"error": {"type": "api_error", "message": f"FakeStripe failed: {exc!r}"}}
            )
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    do_POST = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeStripe:
    """Stripe on loopback: localstripe plus our Checkout, Connect and webhooks (see the module
    docstring). Start it with ``FakeStripe()`` (or ``with FakeStripe() as fake:``); point the
    SDK at ``fake.api_base``; ``fake.stop()`` ends both servers."""

    def __init__(self, *, retry_delays: tuple[float, ...] = (0.25, 0.5, 1.0)) -> None:
        self.webhook_secret = _random_id("whsec_", 32)
        self.webhook_url: str | None = None
        self.retry_delays = retry_delays
        self.requests: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []

        self._lock = threading.RLock()
        self._events_changed = threading.Condition()
        self._stopping = threading.Event()
        self._generation = 0  # bumped by reset(): older deliveries stop
        self._sessions: dict[str, _Session] = {}
        self._accounts: dict[str, dict[str, Any]] = {}
        self._links: dict[str, dict[str, Any]] = {}
        self._owner: dict[str, str | None] = {}  # object id -> Stripe-Account it was made on
        self._stale_ids: set[str] = set()  # ids from before reset(): their late events drop
        self._extras: dict[str, dict[str, Any]] = {}  # object id -> stripped params to echo
        self._idempotent: dict[tuple[Any, ...], tuple[Any, _Response]] = {}
        self._relay_secret = _random_id("whsec_", 32)
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., _Response]]] = [
            (m, re.compile(p), f)
            for m, p, f in (
                ("POST", r"/v1/checkout/sessions", self._api_create_session),
                ("GET", r"/v1/checkout/sessions", self._api_list_sessions),
                ("GET", r"/v1/checkout/sessions/([^/]+)", self._api_get_session),
                ("POST", r"/v1/checkout/sessions/([^/]+)/expire", self._api_expire_session),
                ("POST", r"/v1/accounts", self._api_create_account),
                ("GET", r"/v1/accounts/([^/]+)", self._api_get_account),
                ("POST", r"/v1/accounts/([^/]+)", self._api_update_account),
                ("DELETE", r"/v1/accounts/([^/]+)", self._api_delete_account),
                ("POST", r"/v1/account_links", self._api_create_account_link),
                ("GET", r"/pay/([^/]+)", self._page_checkout),
                ("POST", r"/pay/([^/]+)", self._submit_checkout),
                ("GET", r"/connect/onboard/([^/]+)", self._page_onboarding),
                ("POST", r"/connect/onboard/([^/]+)", self._submit_onboarding),
            )
        ]

        self._proc = self._start_localstripe()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self.api_base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="fake-stripe", daemon=True
        )
        self._thread.start()
        self._stopped = False
        atexit.register(self.stop)
        self._ls_ok(
            "POST",
            "/_config/webhooks/fakestripe",
            {"url": self.api_base + _RELAY_PATH, "secret": self._relay_secret},
        )

    # --- Lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> FakeStripe:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """End both servers (and any delivery still retrying)."""
        if self._stopped:
            return
        self._stopped = True
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        atexit.unregister(self.stop)

    def reset(self) -> None:
        """Forget everything (localstripe's data, our sessions, accounts, requests, events);
        the webhook URL and secret stay."""
        self._ls_ok("DELETE", "/_config/data")
        with self._lock:
            self._generation += 1
            self._stale_ids.update(self._owner)
            for store in (self._owner, self._extras, self._sessions, self._accounts):
                store.clear()
            self._links.clear()
            self._idempotent.clear()
            self.requests.clear()
        with self._events_changed:
            self.events.clear()
            self.deliveries.clear()

    def _start_localstripe(self) -> subprocess.Popen[bytes]:
        for _attempt in range(3):
            self._ls_port = _free_port()
            proc = subprocess.Popen(
                [sys.executable, "-c", _LOCALSTRIPE_LAUNCHER, str(self._ls_port)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    if self._ls("GET", "/v1/customers")[0] == 200:
                        return proc
                except OSError:
                    pass
                time.sleep(0.05)
            proc.kill()
            proc.wait()
        raise RuntimeError("localstripe did not start")

    # --- Webhooks -----------------------------------------------------------------------------

    def set_webhook_url(self, url: str | None) -> None:
        """Where signed events are posted (None: nowhere; they are still in ``events``)."""
        if url is not None and urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"webhooks go to loopback only, not {url}")
        self.webhook_url = url

    def sign(self, payload: bytes, timestamp: int | None = None) -> str:
        """A valid ``Stripe-Signature`` header for ``payload`` with ``webhook_secret``."""
        ts = int(time.time()) if timestamp is None else timestamp
        return f"t={ts},v1={_signature(payload, self.webhook_secret, ts)}"

    def send_event(
        self, type: str, obj: dict[str, Any], account: str | None = None
    ) -> dict[str, Any]:
        """Send a signed event about ``obj`` (a new event id each time) and return it."""
        event = self._new_event(type, obj, account)
        self._emit(event)
        return event

    @staticmethod
    def _new_event(type: str, obj: dict[str, Any], account: str | None) -> dict[str, Any]:
        event: dict[str, Any] = {
            "id": _random_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type,
        }
        if account:
            event["account"] = account
        return event

    def resend(self, event: dict[str, Any]) -> None:
        """Deliver ``event`` again, same id (Stripe may deliver an event more than once)."""
        self._emit(event)

    def wait_for_event(
        self,
        type: str,
        timeout: float = 10,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """The first event of ``type`` (matching ``predicate``) sent since the last reset,
        waiting up to ``timeout`` seconds for it."""

        def found() -> dict[str, Any] | None:
            for event in self.events:
                if event["type"] == type and (predicate is None or predicate(event)):
                    return event
            return None

        with self._events_changed:
            event = self._events_changed.wait_for(found, timeout)
            if event is None:
                seen = [e["type"] for e in self.events]
                raise TimeoutError(f"no {type} event within {timeout}s (sent: {seen})")
            return event

    def _emit(self, event: dict[str, Any]) -> None:
        with self._events_changed:
            self.events.append(event)
            self._events_changed.notify_all()
        generation = self._generation
        threading.Thread(
            target=self._deliver, args=(event, generation), name="fake-stripe-webhook", daemon=True
        ).start()

    def _deliver(self, event: dict[str, Any], generation: int) -> None:
        payload = json.dumps(event, indent=2).encode()
        for attempt, delay in enumerate((0.0, *self.retry_delays), start=1):
            if self._stopping.wait(delay) or generation != self._generation:
                return
            url = self.webhook_url
            if url is None:
                return
            parts = urlsplit(url)
            outcome: int | str
            try:
                conn = http.client.HTTPConnection(
                    parts.hostname or "", parts.port or 80, timeout=30
                )
                try:
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                    conn.request(
                        "POST",
                        target or "/",
                        body=payload,
                        headers={
                            "Content-Type": "application/json; charset=utf-8",
                            "Stripe-Signature": self.sign(payload),
                            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                        },
                    )
                    response = conn.getresponse()
                    response.read()
                    outcome = response.status
                finally:
                    conn.close()
            except OSError as exc:
                outcome = f"{type(exc).__name__}: {exc}"
            with self._events_changed:
                if generation == self._generation:
                    self.deliveries.append(
                        {"event": event["id"], "type": event["type"], "attempt": attempt}
                        | {"url": url, "status": outcome}
                    )
            if isinstance(outcome, int) and 200 <= outcome < 300:
                return

    def _relay_localstripe_event(self, headers: Message, body: bytes) -> _Response:
        """localstripe's events come here; they go on, signed by us, as Stripe's would."""
        fields = dict(
            part.split("=", 1)
            for part in (headers.get("Stripe-Signature") or "").split(",")
            if "=" in part
        )
        expected = _signature(body, self._relay_secret, int(fields.get("t", "0")))
        if not hmac.compare_digest(expected, fields.get("v1", "")):
            return _Response(400, b"bad signature", "text/plain")
        event = json.loads(body)
        obj = event["data"]["object"]
        with self._lock:
            if obj.get("id") in self._stale_ids:
                return _Response(200, b"", "text/plain")  # from before reset()
            account = self._owner.get(obj.get("id"))
        self._decorate(obj, account)
        event["api_version"] = API_VERSION
        event.setdefault("pending_webhooks", 1)
        event.setdefault("request", {"id": None, "idempotency_key": None})
        if account:
            event["account"] = account
        self._emit(event)
        return _Response(200, b"", "text/plain")

    # --- Conveniences for tests ---------------------------------------------------------------

    def session(self, session_id: str) -> dict[str, Any]:
        """The Checkout Session ``session_id`` as the API shows it (whatever its account)."""
        with self._lock:
            session = self._sessions[session_id]
        self._expire_if_due(session)
        return json.loads(json.dumps(session.obj))

    def account(self, account_id: str) -> dict[str, Any]:
        """The connected account ``account_id`` as the API shows it."""
        with self._lock:
            return json.loads(json.dumps(self._accounts[account_id]))

    def find_requests(self, method: str | None = None, path: str | None = None) -> list[dict]:
        """The recorded requests with this method and/or path."""
        return [
            r
            for r in list(self.requests)
            if (method is None or r["method"] == method) and (path is None or r["path"] == path)
        ]

    def pay_checkout(
        self,
        session_id: str,
        card: str = "4242424242424242",
        *,
        expiry: str = "12/34",
        cvc: str = "123",
        name: str = "Jo Tester",
        email: str | None = None,
    ) -> int:
        """Fill in and submit the hosted page of ``session_id``; the HTTP status (303 paid,
        402 declined, 410 closed), redirects not followed."""
        fields = {"card_number": card, "expiry": expiry, "cvc": cvc, "name": name}
        if email:
            fields["email"] = email
        conn = http.client.HTTPConnection("127.0.0.1", self._httpd.server_address[1], timeout=30)
        try:
            conn.request(
                "POST",
                f"/pay/{session_id}",
                body=urlencode(fields),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def complete_onboarding(self, account_id: str) -> dict[str, Any]:
        """Finish ``account_id``'s onboarding as its owner would on the hosted page: charges
        and payouts enabled, and a signed ``account.updated`` event. Returns the account."""
        with self._lock:
            account = self._accounts[account_id]
            before = {k: account[k] for k in ("charges_enabled", "payouts_enabled")}
            before |= {"details_submitted": account["details_submitted"]}
            changed = not all(before.values())
            account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
            account["capabilities"] = {name: "active" for name in account["capabilities"]}
            account["requirements"] = self._requirements(due=[])
            snapshot = json.loads(json.dumps(account))
        if changed:
            event = self._new_event("account.updated", snapshot, account_id)
            event["data"]["previous_attributes"] = before
            self._emit(event)
        return snapshot

    # --- Dispatch -----------------------------------------------------------------------------

    def _dispatch(self, method: str, target: str, headers: Message, body: bytes) -> _Response:
        split = urlsplit(target)
        if split.path == _RELAY_PATH and method == "POST":
            return self._relay_localstripe_event(headers, body)
        if method == "POST":
            if (headers.get("Content-Type") or "").startswith("application/json") and body:
                params = _flatten(json.loads(body))
            else:
                params = parse_qsl(body.decode(), keep_blank_values=True)
        else:
            params = parse_qsl(split.query, keep_blank_values=True)
        request = _Request(method, split.path, params, headers)
        record: dict[str, Any] = {
            "method": method,
            "path": split.path,
            "params": dict(params),
            "stripe_account": request.stripe_account,
            "idempotency_key": request.idempotency_key,
        }
        with self._lock:
            self.requests.append(record)

        for route_method, pattern, handler in self._routes:
            if route_method == method and (match := pattern.fullmatch(split.path)):
                if not split.path.startswith("/v1/"):
                    return handler(request, *match.groups())
                own = functools.partial(self._own_route, request, handler, match)
                return self._api(request, own)
        if split.path.startswith("/v1/"):
            return self._api(request, lambda: self._proxy(request, record))
        return self._page("Not found", "<h1>Not found</h1>", 404)

    def _own_route(
        self, request: _Request, handler: Callable[..., _Response], match: re.Match[str]
    ) -> _Response:
        key = request.api_key or ""
        if not key.startswith("sk_test_"):
            raise _ApiError(401, f"Invalid API Key provided: {key[:12]}…")
        return handler(request, *match.groups())

    def _api(self, request: _Request, produce: Callable[[], _Response]) -> _Response:
        """Errors as Stripe's error bodies; a repeated idempotency key replays the answer."""

        def answer() -> _Response:
            try:
                response = produce()
            except _ApiError as error:
                response = error.response
            response.headers.setdefault("Request-Id", _random_id("req_", 14))
            return response

        if (request.api_key or "").startswith(("sk_live_", "rk_live_")):
            return _ApiError(401, "FakeStripe refuses live keys.").response
        key = request.idempotency_key
        if request.method != "POST" or not key:
            return answer()
        scope = (request.api_key, request.stripe_account, key)
        fingerprint = (request.path, sorted(request.params))
        with self._lock:
            cached = self._idempotent.get(scope)
        if cached is not None:
            if cached[0] != fingerprint:
                return _ApiError(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters "
                    f"they were first used with. Try using a key other than '{key}' if you "
                    "meant to execute a different request.",
                    type_="idempotency_error",
                ).response
            first = cached[1]
            return _Response(
                first.status, first.body, first.content_type, {"Idempotent-Replayed": "true"}
            )
        response = answer()
        if response.status < 500:
            with self._lock:
                self._idempotent.setdefault(scope, (fingerprint, response))
        return response

    # --- Proxy to localstripe -----------------------------------------------------------------

    def _ls(
        self, method: str, path: str, params: dict[str, Any] | list[tuple[str, str]] | None = None
    ) -> tuple[int, Any]:
        """Call localstripe; (status, decoded JSON or None)."""
        pairs = _flatten(params) if isinstance(params, dict) else list(params or [])
        status, raw = self._ls_raw(method, path, pairs, f"Bearer {_INTERNAL_KEY}")
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, None

    def _ls_ok(
        self, method: str, path: str, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        status, body = self._ls(method, path, params)
        if status != 200:
            raise RuntimeError(f"localstripe answered {method} {path} with {status}: {body}")
        return body or {}

    def _ls_raw(
        self, method: str, path: str, pairs: list[tuple[str, str]], authorization: str
    ) -> tuple[int, bytes]:
        body = None
        headers = {"Authorization": authorization}
        if method == "POST":
            body = urlencode(pairs).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif pairs:
            path = f"{path}?{urlencode(pairs)}"
        conn = http.client.HTTPConnection("127.0.0.1", self._ls_port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def _proxy(self, request: _Request, record: dict[str, Any]) -> _Response:
        self._check_owner(request, request.path)
        path, params = request.path, list(request.params)
        # localstripe lists a customer's cards only as /v1/payment_methods?customer=…&type=card.
        if request.method == "GET":
            if match := re.fullmatch(r"/v1/customers/(cus_\w+)/payment_methods", path):
                path, params = "/v1/payment_methods", [("customer", match[1]), *params]
            if path == "/v1/payment_methods" and not any(k == "type" for k, _ in params):
                params.append(("type", "card"))
        stripped: list[tuple[str, str]] = []
        for method, pattern, names in _UNKNOWN_TO_LOCALSTRIPE:
            if method == request.method and pattern.fullmatch(path):
                stripped = [(k, v) for k, v in params if k.split("[", 1)[0] in names]
                params = [(k, v) for k, v in params if k.split("[", 1)[0] not in names]
        record["stripped"] = dict(stripped)

        status, raw = self._ls_raw(
            request.method, path, params, request.headers.get("Authorization") or ""
        )
        try:
            payload = json.loads(raw)
        except ValueError:  # aiohttp's own "404: Not Found" / "405: Method Not Allowed"
            raise _ApiError(
                status if status >= 400 else 500,
                f"Unrecognized request URL ({request.method}: {request.path}): neither "
                "localstripe nor FakeStripe serves it.",
            ) from None
        if status == 402 and isinstance(payload.get("error"), dict):
            payload["error"]["type"] = "card_error"  # localstripe says invalid_request_error
        if status == 200 and isinstance(payload, dict):
            self._after_proxied(request, payload, stripped)
        return _json(status, payload)

    def _after_proxied(
        self, request: _Request, payload: dict[str, Any], stripped: list[tuple[str, str]]
    ) -> None:
        obj_id = payload.get("id")
        if request.method == "POST" and isinstance(obj_id, str):
            self._adopt(obj_id, request.stripe_account, _typed(_unflatten(stripped)))
            extras = self._extras.get(obj_id, {})
            # Stripe saves the card on the customer when a payment with setup_future_usage
            # succeeds; localstripe does not know the parameter.
            if (
                payload.get("object") == "payment_intent"
                and extras.get("setup_future_usage")
                and payload.get("status") == "succeeded"
                and payload.get("customer")
                and payload.get("payment_method")
            ):
                self._ls_ok(
                    "POST",
                    f"/v1/payment_methods/{payload['payment_method']}/attach",
                    {"customer": payload["customer"]},
                )
        self._decorate(payload, request.stripe_account)

    def _adopt(
        self, obj_id: str, account: str | None, extras: dict[str, Any] | None = None
    ) -> None:
        """Remember that ``obj_id`` was made on ``account`` (None: the platform), and the
        parameters localstripe did not take for it."""
        with self._lock:
            self._owner.setdefault(obj_id, account)
            if extras:
                self._extras.setdefault(obj_id, {}).update(extras)

    def _check_owner(self, request: _Request, path: str) -> None:
        """404 for an object of another account than the request's, as Stripe answers."""
        candidates: list[tuple[str | None, str, str]] = []
        if match := re.match(r"/v1/(\w+)/([a-z]+_\w+)", path):
            candidates.append((None, match[2], match[1].rstrip("s")))
        candidates += [(k, v, k.split("[", 1)[0]) for k, v in request.params]
        with self._lock:
            for param, value, kind in candidates:
                if value in self._owner and self._owner[value] != request.stripe_account:
                    raise _ApiError(
                        404, f"No such {kind}: '{value}'", code="resource_missing", param=param
                    )

    def _decorate(self, value: Any, account: str | None) -> None:
        """Add the echoed parameters to every object in ``value``; drop other accounts'
        objects from lists."""
        if isinstance(value, list):
            for item in value:
                self._decorate(item, account)
        elif isinstance(value, dict):
            with self._lock:
                if value.get("object") == "list" and isinstance(value.get("data"), list):
                    value["data"] = [
                        item
                        for item in value["data"]
                        if not isinstance(item, dict)
                        or self._owner.get(item.get("id"), account) == account
                    ]
                echoed = _ECHOED.get(value.get("object"), frozenset())
                extras = self._extras.get(value.get("id"), {})
                for name in echoed:
                    value.setdefault(name, None)
                    if name in extras:
                        value[name] = extras[name]
            for item in value.values():
                self._decorate(item, account)

    # --- Checkout Sessions --------------------------------------------------------------------

    def _api_create_session(self, request: _Request) -> _Response:
        self._check_owner(request, request.path)
        data = request.data()
        for name in data:
            if name not in _SESSION_PARAMS | _SESSION_IGNORED:
                raise _ApiError(400, f"Received unknown parameter: {name}", param=name)
        mode = data.get("mode")
        if mode is None:
            raise _ApiError(400, "Missing required param: mode.", param="mode")
        if mode not in ("payment", "setup"):
            raise _ApiError(400, f"FakeStripe does not do mode={mode}.", param="mode")
        if data.get("ui_mode", "hosted") != "hosted":
            raise _ApiError(400, "FakeStripe serves only hosted Checkout.", param="ui_mode")
        customer, email = data.get("customer"), data.get("customer_email")
        if customer and email:
            raise _ApiError(
                400, "You may only specify one of these parameters: customer, customer_email."
            )
        if customer and self._ls("GET", f"/v1/customers/{customer}")[0] != 200:
            raise _ApiError(
                400, f"No such customer: '{customer}'", code="resource_missing", param="customer"
            )

        amount_total: int | None = None
        currency = data.get("currency")
        names: list[str] = []
        if mode == "payment":
            if "setup_intent_data" in data:
                raise _ApiError(400, "setup_intent_data is only for setup mode.")
            amount_total, currency, names = self._line_items(data.get("line_items"))
        elif "line_items" in data or "payment_intent_data" in data:
            raise _ApiError(400, "line_items and payment_intent_data are not for setup mode.")

        now = int(time.time())
        expires_at = data.get("expires_at")
        if expires_at is None:
            expires_at = now + 24 * 3600
        elif not str(expires_at).isdigit() or not (
            now + 30 * 60 <= int(expires_at) <= now + 24 * 3600
        ):
            raise _ApiError(
                400,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
                param="expires_at",
            )
        session_id = _random_id("cs_test_", 58)
        obj = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount_total,
            "amount_total": amount_total,
            "cancel_url": data.get("cancel_url"),
            "client_reference_id": data.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": customer,
            "customer_details": None,
            "customer_email": email,
            "expires_at": int(expires_at),
            "livemode": False,
            "metadata": data.get("metadata") or {},
            "mode": mode,
            "payment_intent": None,
            "payment_method_types": ["card"],
            "payment_status": "unpaid" if mode == "payment" else "no_payment_required",
            "setup_intent": None,
            "status": "open",
            "success_url": data.get("success_url"),
            "url": f"{self.api_base}/pay/{session_id}",
        }
        session = _Session(
            obj=obj,
            stripe_account=request.stripe_account,
            product_name=", ".join(names),
            payment_intent_data=data.get("payment_intent_data") or {},
            setup_intent_data=data.get("setup_intent_data") or {},
        )
        with self._lock:
            self._sessions[session_id] = session
        return _json(200, self._render_session(session, data.get("expand")))

    @staticmethod
    def _line_items(items: Any) -> tuple[int, str, list[str]]:
        if not isinstance(items, list) or not items:
            raise _ApiError(
                400, "You must specify `line_items` in payment mode.", param="line_items"
            )
        total, currencies, names = 0, set[str](), list[str]()
        for i, item in enumerate(items):
            price = item.get("price_data") if isinstance(item, dict) else None
            if not isinstance(price, dict):
                raise _ApiError(
                    400, "FakeStripe takes line items as price_data only.", param=f"line_items[{i}]"
                )
            product = price.get("product_data") or {}
            for param, value in (
                (f"line_items[{i}][price_data][unit_amount]", price.get("unit_amount")),
                (f"line_items[{i}][quantity]", item.get("quantity")),
            ):
                if not str(value).isdigit():
                    raise _ApiError(400, f"Invalid integer: {value}", param=param)
            if not price.get("currency") or not product.get("name"):
                raise _ApiError(
                    400,
                    "Missing currency or product_data[name].",
                    param=f"line_items[{i}][price_data]",
                )
            total += int(price["unit_amount"]) * int(item["quantity"])
            currencies.add(price["currency"].lower())
            names.append(product["name"])
        if len(currencies) > 1:
            raise _ApiError(400, "All line items must have the same currency.")
        return total, currencies.pop(), names

    def _find_session(self, request: _Request, session_id: str) -> _Session:
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None or session.stripe_account != request.stripe_account:
            raise _ApiError(
                404,
                f"No such checkout.session: '{session_id}'",
                code="resource_missing",
                param="session",
            )
        self._expire_if_due(session)
        return session

    def _render_session(self, session: _Session, expand: Any = None) -> dict[str, Any]:
        with self._lock:
            obj = json.loads(json.dumps(session.obj))
        for name in expand if isinstance(expand, list) else []:
            if name in ("payment_intent", "setup_intent", "customer") and obj.get(name):
                status, expanded = self._ls("GET", f"/v1/{name}s/{obj[name]}")
                if status == 200:
                    self._decorate(expanded, session.stripe_account)
                    obj[name] = expanded
        return obj

    def _api_get_session(self, request: _Request, session_id: str) -> _Response:
        session = self._find_session(request, session_id)
        return _json(200, self._render_session(session, request.data().get("expand")))

    def _api_list_sessions(self, request: _Request) -> _Response:
        filters = {k: v for k, v in request.data().items() if k in ("payment_intent", "customer")}
        with self._lock:
            sessions = [
                s
                for s in self._sessions.values()
                if s.stripe_account == request.stripe_account
                and all(s.obj.get(k) == v for k, v in filters.items())
            ]
        data = [self._render_session(s) for s in reversed(sessions)]
        return _json(200, {"object": "list", "data": data, "has_more": False, "url": request.path})

    def _api_expire_session(self, request: _Request, session_id: str) -> _Response:
        session = self._find_session(request, session_id)
        with session.lock:
            status = session.obj["status"]
            if status != "open":
                raise _ApiError(
                    400,
                    'Only Checkout Sessions with a status in ["open"] can be expired. '
                    f'This Checkout Session has a status of "{status}".',
                )
            self._expire(session)
        return _json(200, self._render_session(session))

    def _expire_if_due(self, session: _Session) -> None:
        with session.lock:
            if session.obj["status"] == "open" and time.time() >= session.obj["expires_at"]:
                self._expire(session)

    def _expire(self, session: _Session) -> None:
        with self._lock:
            session.obj.update(status="expired", url=None)
        self.send_event("checkout.session.expired", session.obj, session.stripe_account)

    # --- The hosted payment page --------------------------------------------------------------

    def _page_checkout(self, request: _Request, session_id: str) -> _Response:
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            return self._page("Not found", "<h1>This payment page does not exist</h1>", 404)
        self._expire_if_due(session)
        if session.obj["status"] != "open":
            return self._closed_page(session)
        return self._checkout_form(session)

    def _submit_checkout(self, request: _Request, session_id: str) -> _Response:
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            return self._page("Not found", "<h1>This payment page does not exist</h1>", 404)
        self._expire_if_due(session)
        form = dict(request.params)
        with session.lock:  # a second submission waits, then finds the session closed
            if session.obj["status"] != "open":
                return self._closed_page(session)
            number = re.sub(r"[\s-]", "", form.get("card_number", ""))
            expiry = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", form.get("expiry", ""))
            cvc = form.get("cvc", "").strip()
            name = form.get("name", "").strip()
            problem = None
            if not re.fullmatch(r"\d{16}", number):
                problem = "Your card number is incomplete."
            elif not expiry or not 1 <= int(expiry[1]) <= 12:
                problem = "Your card's expiration date is incomplete."
            elif _expiry_year(expiry[2]) * 100 + int(expiry[1]) < int(time.strftime("%Y%m")):
                problem = "Your card's expiration date is in the past."
            elif not re.fullmatch(r"\d{3}", cvc):
                problem = "Your card's security code is incomplete."
            elif not name:
                problem = "Enter the name on the card."
            if problem or expiry is None:
                return self._checkout_form(session, problem, 400)
            card = {"number": number, "exp_month": int(expiry[1]), "cvc": cvc}
            card["exp_year"] = _expiry_year(expiry[2])
            pm = self._ls(
                "POST",
                "/v1/payment_methods",
                {"type": "card", "card": card, "billing_details": {"name": name}},
            )
            if pm[0] != 200:
                return self._checkout_form(session, "Your card's expiration date is invalid.", 400)
            payment_method: dict[str, Any] = pm[1]
            self._adopt(payment_method["id"], session.stripe_account)
            if session.obj["mode"] == "payment":
                declined = self._pay(session, payment_method, number)
            else:
                declined = self._set_up(session, payment_method)
            if declined:
                return self._checkout_form(session, declined, 402)
            email = form.get("email") or session.obj["customer_email"]
            with self._lock:
                session.obj.update(
                    status="complete",
                    url=None,
                    customer_details={"email": email, "name": name},
                )
            self.send_event("checkout.session.completed", session.obj, session.stripe_account)
        success_url = session.obj["success_url"]
        if not success_url:
            return self._page("Done", "<h1>Thank you</h1><p>You can close this page.</p>", 200)
        location = success_url.replace("{CHECKOUT_SESSION_ID}", session.obj["id"])
        return _Response(303, b"", "text/plain", {"Location": location})

    def _pay(self, session: _Session, payment_method: dict[str, Any], number: str) -> str | None:
        """Pay the session with ``payment_method``; the decline message, or None when paid."""
        account, intent_data = session.stripe_account, session.payment_intent_data
        params = {
            "amount": session.obj["amount_total"],
            "currency": session.obj["currency"],
            "customer": session.obj["customer"],
            "metadata": intent_data.get("metadata") or {},
            "capture_method": intent_data.get("capture_method"),
        }
        extras = _typed(
            {k: v for k, v in intent_data.items() if k not in ("metadata", "capture_method")}
        )
        if number in _DECLINED_CARDS:
            # Stripe declines these when charging; localstripe would charge them. The intent
            # stays without a payment method (requires_payment_method), as Stripe leaves it.
            intent = self._ls_ok("POST", "/v1/payment_intents", params)
            self._adopt(intent["id"], account, extras)
            code, decline_code, message = _DECLINED_CARDS[number]
            error = {"type": "card_error", "code": code, "message": message}
            error |= {"decline_code": decline_code, "payment_method": payment_method}
            self._decorate(intent, account)
            self.send_event(
                "payment_intent.payment_failed", intent | {"last_payment_error": error}, account
            )
            return message

        status, intent = self._ls(
            "POST",
            "/v1/payment_intents",
            params | {"payment_method": payment_method["id"], "confirm": True},
        )
        if status == 200 and intent["status"] == "requires_action":
            # A 3-D Secure test card: the customer passes the challenge.
            self._adopt(intent["id"], account, extras)
            status, intent = self._ls(
                "POST",
                f"/v1/payment_intents/{intent['id']}/_authenticate",
                {"client_secret": intent["client_secret"], "success": True},
            )
        if status == 402:
            # localstripe declined the charge: the intent exists (requires_payment_method) and
            # localstripe sends payment_intent.payment_failed.
            charge = self._ls_ok("GET", f"/v1/charges/{intent['error']['charge']}")
            self._adopt(charge["payment_intent"], account, extras)
            self._adopt(charge["id"], account)
            return str(intent["error"].get("message") or "Your card was declined.")
        if status != 200:
            raise RuntimeError(f"localstripe refused the payment: {status} {intent}")
        self._adopt(intent["id"], account, extras)
        if extras.get("setup_future_usage") and session.obj["customer"]:
            self._ls_ok(
                "POST",
                f"/v1/payment_methods/{payment_method['id']}/attach",
                {"customer": session.obj["customer"]},
            )
        with self._lock:
            session.obj["payment_intent"] = intent["id"]
            session.obj["payment_status"] = "paid" if intent["status"] == "succeeded" else "unpaid"
        return None

    def _set_up(self, session: _Session, payment_method: dict[str, Any]) -> str | None:
        """Save ``payment_method`` (on the session's customer); the decline message or None."""
        customer = session.obj["customer"]
        setup = self._ls_ok(
            "POST",
            "/v1/setup_intents",
            {
                "customer": customer,
                "usage": "off_session",
                "metadata": session.setup_intent_data.get("metadata") or {},
            },
        )
        self._adopt(setup["id"], session.stripe_account)
        status, confirmed = self._ls(
            "POST",
            f"/v1/setup_intents/{setup['id']}/confirm",
            {"payment_method": payment_method["id"]},
        )
        if status == 402:
            return str(confirmed["error"].get("message") or "Your card was declined.")
        if status == 200 and confirmed["status"] == "requires_action":
            # A 3-D Secure test card: passed (confirming again completes it in localstripe).
            status, confirmed = self._ls("POST", f"/v1/setup_intents/{setup['id']}/confirm")
        if status != 200:
            raise RuntimeError(f"localstripe refused the setup: {status} {confirmed}")
        if customer:  # Stripe attaches the card to the customer; localstripe's intent does not
            self._ls_ok(
                "POST",
                f"/v1/payment_methods/{payment_method['id']}/attach",
                {"customer": customer},
            )
        with self._lock:
            session.obj["setup_intent"] = setup["id"]
        return None

    def _checkout_form(
        self, session: _Session, error: str | None = None, status: int = 200
    ) -> _Response:
        obj = session.obj
        e = html.escape
        paying = obj["mode"] == "payment"
        if paying:
            amount = _money(obj["amount_total"], obj["currency"])
            title, heading = f"Pay {amount}", f"Pay {amount}"
            summary = f"<p>{e(session.product_name)}</p><p><strong>{e(amount)}</strong></p>"
        else:
            title = heading = "Save a card"
            summary = "<p>Your card will be saved for later payments.</p>"
        fields = []
        if not obj["customer"] and not obj["customer_email"]:
            fields.append(("email", "Email", "email", "email", ""))
        fields += [
            ("card_number", "Card number", "text", "cc-number", 'inputmode="numeric"'),
            ("expiry", "Expiry", "text", "cc-exp", 'placeholder="MM / YY"'),
            ("cvc", "CVC", "text", "cc-csc", 'inputmode="numeric"'),
            ("name", "Name on card", "text", "cc-name", ""),
        ]
        inputs = "".join(
            f'<label for="{id_}">{label}</label>'
            f'<input id="{id_}" name="{id_}" type="{type_}" autocomplete="{auto}" {extra} required>'
            for id_, label, type_, auto, extra in fields
        )
        alert = f'<p class="error" role="alert">{e(error)}</p>' if error else ""
        back = f'<p><a href="{e(obj["cancel_url"])}">Back</a></p>' if obj["cancel_url"] else ""
        body = (
            f"<h1>{e(heading)}</h1>{summary}{alert}"
            f'<form method="post" action="/pay/{e(obj["id"])}">{inputs}'
            f'<button type="submit">{"Pay" if paying else "Save card"}</button></form>{back}'
        )
        return self._page(title, body, status)

    def _closed_page(self, session: _Session) -> _Response:
        if session.obj["status"] == "expired":
            heading, text = "This checkout session has expired", "Nothing was charged."
        else:
            heading, text = "This checkout session is complete", "There is nothing more to do."
        cancel = session.obj["cancel_url"]
        back = f'<p><a href="{html.escape(cancel)}">Back</a></p>' if cancel else ""
        return self._page(heading, f"<h1>{heading}</h1><p>{text}</p>{back}", 410)

    @staticmethod
    def _page(title: str, body: str, status: int) -> _Response:
        page = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} · FakeStripe</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;"
            "padding:0 1rem;color:#1a1a1a;background:#fff}"
            "label{display:block;margin-top:.75rem}"
            "input{display:block;width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}"
            "button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}"
            ".error{color:#a40000}</style></head>"
            f"<body><main>{body}</main></body></html>\n"
        )
        return _Response(status, page.encode(), "text/html; charset=utf-8")

    # --- Connect ------------------------------------------------------------------------------

    @staticmethod
    def _requirements(due: list[str]) -> dict[str, Any]:
        return {
            "currently_due": due,
            "eventually_due": due,
            "past_due": due,
            "disabled_reason": "requirements.past_due" if due else None,
        }

    def _find_account(self, account_id: str, param: str | None = None) -> dict[str, Any]:
        with self._lock:
            account = self._accounts.get(account_id)
        if account is None:
            raise _ApiError(
                404, f"No such account: '{account_id}'", code="resource_missing", param=param
            )
        return account

    def _api_create_account(self, request: _Request) -> _Response:
        data = request.data()
        if not data.get("type") and not data.get("controller"):
            raise _ApiError(400, "Missing required param: type.", param="type")
        requested = data.get("capabilities") or {}
        account_id = _random_id("acct_", 16)
        account = {
            "id": account_id,
            "object": "account",
            "business_type": data.get("business_type"),
            "capabilities": {
                name: "inactive"
                for name, value in requested.items()
                if isinstance(value, dict) and value.get("requested") == "true"
            },
            "charges_enabled": False,
            "controller": _typed(data.get("controller")),
            "country": data.get("country") or "US",
            "created": int(time.time()),
            "default_currency": data.get("default_currency"),
            "details_submitted": False,
            "email": data.get("email"),
            "metadata": data.get("metadata") or {},
            "payouts_enabled": False,
            "requirements": self._requirements(due=list(_ONBOARDING_DUE)),
            "type": data.get("type") or "none",
        }
        with self._lock:
            self._accounts[account_id] = account
        return _json(200, self.account(account_id))

    def _api_get_account(self, request: _Request, account_id: str) -> _Response:
        self._find_account(account_id)
        return _json(200, self.account(account_id))

    def _api_update_account(self, request: _Request, account_id: str) -> _Response:
        account = self._find_account(account_id)
        data = request.data()
        with self._lock:
            account["metadata"] = {**account["metadata"], **(data.pop("metadata", None) or {})}
            for name in ("email", "business_type", "default_currency"):
                if name in data:
                    account[name] = data[name] or None
        snapshot = self.account(account_id)
        self.send_event("account.updated", snapshot, account=account_id)
        return _json(200, snapshot)

    def _api_delete_account(self, request: _Request, account_id: str) -> _Response:
        self._find_account(account_id)
        with self._lock:
            del self._accounts[account_id]
        return _json(200, {"id": account_id, "object": "account", "deleted": True})

    def _api_create_account_link(self, request: _Request) -> _Response:
        data = request.data()
        for name in ("account", "type"):
            if not data.get(name):
                raise _ApiError(400, f"Missing required param: {name}.", param=name)
        if data["type"] not in ("account_onboarding", "account_update"):
            raise _ApiError(400, f"Invalid type: {data['type']}", param="type")
        self._find_account(data["account"], "account")
        token = _random_id("", 24)
        now = int(time.time())
        link = {
            "account": data["account"],
            "refresh_url": data.get("refresh_url"),
            "return_url": data.get("return_url"),
            "expires_at": now + 300,
            "used": False,
        }
        with self._lock:
            self._links[token] = link
        url = f"{self.api_base}/connect/onboard/{data['account']}?{urlencode({'link': token})}"
        return _json(
            200,
            {
                "object": "account_link",
                "created": now,
                "expires_at": link["expires_at"],
                "url": url,
            },
        )

    def _link_for(self, request: _Request, account_id: str) -> tuple[dict[str, Any] | None, str]:
        token = dict(request.params).get("link", "")
        with self._lock:
            link = self._links.get(token)
        if link is not None and link["account"] != account_id:
            link = None
        return link, token

    def _page_onboarding(self, request: _Request, account_id: str) -> _Response:
        with self._lock:
            account = self._accounts.get(account_id)
        link, token = self._link_for(request, account_id)
        if account is None:
            return self._page("Not found", "<h1>This account does not exist</h1>", 404)
        if link and (link["used"] or time.time() > link["expires_at"]) and link["refresh_url"]:
            return _Response(303, b"", "text/plain", {"Location": link["refresh_url"]})
        e = html.escape
        who = e(account["email"] or account_id)
        body = (
            f"<h1>Set up payments for {who}</h1>"
            "<p>FakeStripe onboarding: no details are asked.</p>"
            f'<form method="post" action="/connect/onboard/{e(account_id)}">'
            f'<input type="hidden" name="link" value="{e(token)}">'
            '<button type="submit">Complete onboarding</button></form>'
        )
        return self._page("Set up payments", body, 200)

    def _submit_onboarding(self, request: _Request, account_id: str) -> _Response:
        with self._lock:
            known = account_id in self._accounts
        if not known:
            return self._page("Not found", "<h1>This account does not exist</h1>", 404)
        link, _token = self._link_for(request, account_id)
        self.complete_onboarding(account_id)
        if link is None or not link["return_url"]:
            return self._page("Done", "<h1>Onboarding complete</h1>", 200)
        with self._lock:
            link["used"] = True
        return _Response(303, b"", "text/plain", {"Location": link["return_url"]})
