"""Live messaging through the real ASGI server, and the specialist inbox's query count.

**WebSocket delivery.** One uvicorn process serves the benchmark database with production
settings (``bench_pages.Server``: ``DEBUG=0``, HTTPS behind a proxy, the in-memory channel
layer of a single process). 100 patients of one brand each have a conversation with their own
specialist (100 pairs, 200 people); each person has a real signed-in session, bound to the
host it belongs to as a sign-in there binds it (the brand host for patients, the platform host
for specialists), and one open WebSocket to ``/ws/notifications/`` with that host's ``Host``,
``Origin`` and session cookie: 200 sockets. Then 300 messages (after a warm-up) go through
the real endpoints as the browser posts them (``X-Requested-With: fetch``, CSRF cookie and
header, ``Origin``): the specialist's ``/practice/messages/<uuid>/`` and the patient's reply
on ``/messages/<uuid>/``, two specialist messages for one patient reply. Each figure is the
time from just before the POST to the moment the recipient's socket receives the matching
``message.created`` event (its ``messages.count`` must follow; one message is in flight per
conversation, so an event is matched by its conversation).

The headline run is **steady**: messages leave on a schedule, ``RATE`` a second across all
clients (each of the 200 people writing about once every ten seconds, a busy hour), whether or
not earlier ones have arrived. The **flat-out** run then has ``SENDERS`` writers sending back
to back: the single server process is saturated, so its figure shows queueing, not latency,
and has no target.

**Inbox queries.** With the test client inside this process, the SQL queries of the specialist
inbox ``/practice/messages/`` with 10 and with 100 conversations (the page shows 50); they must
be equal, else the benchmark fails.
"""

import asyncio
import gc
import http.client
import json
import statistics
import time
import uuid
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from bench.bench_pages import Server
from bench.common import count_queries, result

PAIRS = 100  # patients, each with their own specialist: 200 sockets
MESSAGES = 300  # measured
WARMUP = 20  # sent first, not measured
RATE = 20  # messages a second, all clients together, in the steady run
SENDERS = 4  # writers sending back to back in the flat-out run
CONNECT_AT_ONCE = 20  # sockets opening at a time
TIMEOUT = 15  # seconds a delivery may take before the benchmark fails
BRAND_HOST = "msgbench.localhost"
PLATFORM_HOST = "localhost"
CSRF_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


# --- Data ----------------------------------------------------------------------------------


def _people(brand, prefix: str, count: int):
    """``count`` approved specialists (users ``<prefix>.dr<i>``)."""
    from hale.accounts.models import User
    from hale.specialists.models import Specialist

    users = User.objects.bulk_create(
        User(email=f"{prefix}.dr{i}@example.com", full_name=f"Doctor {prefix} {i}")
        for i in range(count)
    )
    return Specialist.objects.bulk_create(
        Specialist(
            user=u,
            display_name=f"Dr {prefix.title()} {i}",
            credentials="PhD",
            status=Specialist.Status.APPROVED,
            time_zone="Europe/Madrid",
            offers_video=True,
            languages=["en"],
        )
        for i, u in enumerate(users)
    )


def _patients(brand, prefix: str, count: int):
    from hale.accounts.models import Patient, User

    users = User.objects.bulk_create(
        User(email=f"{prefix}.p{i}@example.com", full_name=f"Patient {prefix} {i}")
        for i in range(count)
    )
    return Patient.objects.bulk_create(
        Patient(brand=brand, user=u, email=u.email, full_name=u.full_name) for u in users
    )


def _care(brand, patients, specialists):
    from hale.matching.models import CareRelationship

    now = timezone.now()
    CareRelationship.objects.bulk_create(
        CareRelationship(patient=p, specialist=s, brand=brand, source="browse", started_at=now)
        for p, s in zip(patients, specialists, strict=True)
    )


def _converse(patient, specialist, *, reply: bool):
    """The specialist's first message (so the patient may reply under "reply only"), and
    optionally the patient's answer."""
    from hale.messaging import access, actions
    from hale.messaging.models import Side

    conversation = actions.conversation_for(
        patient=patient, specialist=specialist, side=Side.SPECIALIST
    )
    conversation = access.access_conversation(
        access.specialist_viewer(specialist.user), conversation.uuid
    )
    actions.send_message(
        conversation=conversation,
        viewer=access.specialist_viewer(specialist.user),
        body="Hello, how have you been this week?",
    )
    if reply:
        actions.send_message(
            conversation=conversation,
            viewer=access.patient_viewer(patient.user, patient.brand),
            body="Better, thank you.",
        )
    return conversation


def _seed():
    from hale.tenancy.models import Brand, BrandDomain

    brand = Brand.objects.create(slug="msgbench", name="Messaging Bench")
    BrandDomain.objects.create(domain=BRAND_HOST, brand=brand)
    specialists = _people(brand, "msg", PAIRS)
    patients = _patients(brand, "msg", PAIRS)
    _care(brand, patients, specialists)
    conversations = [
        _converse(p, s, reply=False) for p, s in zip(patients, specialists, strict=True)
    ]
    return brand, specialists, patients, conversations


def _signed_in(user, brand) -> str:
    """A session key for ``user`` signed in on ``brand``'s host (None: the platform host):
    tracked (its ``UserSession`` row) and bound to that host, as a sign-in there leaves it."""
    from hale.accounts import sessions
    from hale.accounts.models import UserSession

    client = Client()
    client.force_login(user)  # tracks the session; a bare request cannot bind it
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    store[sessions.PORTAL_KEY] = sessions.portal_key(brand)
    store.save()
    UserSession.objects.filter(uuid=store[sessions.SESSION_ID_KEY]).update(
        brand=brand, host=BRAND_HOST if brand else PLATFORM_HOST
    )
    return key


# --- Sockets and senders -------------------------------------------------------------------


class Person:
    """One participant: their session, host and socket, and what their socket waits for."""

    def __init__(self, *, user, host: str, session_key: str, path: str):
        self.user = user
        self.host = host  # with the server's port
        self.session_key = session_key
        self.csrf = get_random_string(32, CSRF_CHARS)  # the csrftoken cookie's secret
        self.path = path  # the thread URL pattern this person posts to, "{}" the uuid
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.waiting: dict[str, asyncio.Future] = {}  # conversation uuid -> delivery
        self.received: list[str] = []  # message uuids of message.created events
        self.counted: dict[str, asyncio.Future] = {}  # conversation uuid -> unread count

    @property
    def cookie(self) -> str:
        return f"{settings.SESSION_COOKIE_NAME}={self.session_key}; csrftoken={self.csrf}"

    @property
    def origin(self) -> str:
        return f"https://{self.host}"

    async def open(self, port: int) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            f"ws://{self.host}/ws/notifications/",
            host="127.0.0.1",
            port=port,
            proxy=None,
            origin=self.origin,
            additional_headers={"Cookie": self.cookie},
            open_timeout=30,
        )
        first = json.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
        if "messages_unread" not in first:
            raise RuntimeError(f"{self.user.email}: unexpected first event {first}")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            arrived = time.perf_counter()
            event = json.loads(raw)
            if event.get("type") == "messages.count":
                counted = self.counted.pop(event["conversation"], None)
                if counted is not None and not counted.done():
                    counted.set_result(event)
                continue
            if event.get("type") != "message.created":
                continue
            self.received.append(event["message"])
            future = self.waiting.pop(event["conversation"], None)
            if future is not None and not future.done():
                future.set_result((arrived, event))

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.ws is not None:
            await self.ws.close()


def _post(conn: http.client.HTTPConnection, sender: Person, conversation: str, text: str):
    """POST a message as the page's fetch does; the time just before it is sent."""
    body = urlencode({"body": text})
    headers = {
        "Host": sender.host,
        "X-Forwarded-Proto": "https",
        "Origin": sender.origin,
        "Referer": f"{sender.origin}{sender.path.format(conversation)}",
        "Cookie": sender.cookie,
        "X-CSRFToken": sender.csrf,
        "X-Requested-With": "fetch",
        "Accept": "application/json",
        "Accept-Language": "en",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    started = time.perf_counter()
    conn.request("POST", sender.path.format(conversation), body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200 or json.loads(data or b"{}").get("ok") is not True:
        raise RuntimeError(
            f"POST {sender.host}{sender.path.format(conversation)} answered "
            f"{response.status}: {data[:300]!r}"
        )
    return started


class Connections:
    """Keep-alive HTTP connections to the server, one per message in flight. One left idle
    longer than ``FRESH`` s is dropped: uvicorn closes idle keep-alives after 5 s."""

    FRESH = 2.0

    def __init__(self, port: int):
        self.port = port
        self.idle: list[tuple[float, http.client.HTTPConnection]] = []

    def take(self) -> http.client.HTTPConnection:
        while self.idle:
            since, conn = self.idle.pop()
            if time.perf_counter() - since < self.FRESH:
                return conn
            conn.close()
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def give(self, conn: http.client.HTTPConnection) -> None:
        self.idle.append((time.perf_counter(), conn))

    def close(self) -> None:
        for _since, conn in self.idle:
            conn.close()


async def _deliver(connections: Connections, job, samples: list[float]) -> None:
    """Send one message and wait for the recipient's ``message.created`` (then its count).
    ``job`` is (sender, recipient, conversation uuid, measured)."""
    sender, recipient, conversation, measured = job
    loop = asyncio.get_running_loop()
    # One message in flight per conversation: wait for the last one's event and its count.
    while (
        earlier := recipient.counted.get(conversation) or recipient.waiting.get(conversation)
    ) is not None:
        await asyncio.wait([earlier])
    delivered = loop.create_future()
    counted = loop.create_future()
    recipient.waiting[conversation] = delivered
    recipient.counted[conversation] = counted
    text = f"Message to {conversation} from {sender.user.email}"
    conn = connections.take()
    try:
        started = await asyncio.to_thread(_post, conn, sender, conversation, text)
    finally:
        connections.give(conn)
    try:
        arrived, event = await asyncio.wait_for(delivered, TIMEOUT)
    except TimeoutError:
        raise RuntimeError(
            f"{recipient.user.email} got no message.created for {conversation}"
        ) from None
    try:
        count = await asyncio.wait_for(counted, TIMEOUT)
    except TimeoutError:
        raise RuntimeError(f"{recipient.user.email} got no messages.count after {event}") from None
    if not count.get("messages_unread"):
        raise RuntimeError(f"messages.count without an unread count: {count}")
    if measured:
        samples.append((arrived - started) * 1000)


async def _steady(connections: Connections, jobs, samples: list[float]) -> None:
    """Open loop: message ``n`` leaves at ``n / RATE`` s whether or not earlier ones have
    arrived, as independent people write (a slow delivery does not slow the senders)."""
    began = time.perf_counter()

    async def at(n: int, job):
        await asyncio.sleep(max(0.0, began + n / RATE - time.perf_counter()))
        await _deliver(connections, job, samples)

    await asyncio.gather(*(at(n, job) for n, job in enumerate(jobs)))


async def _flat_out(connections: Connections, jobs, samples: list[float]) -> None:
    """Closed loop: ``SENDERS`` writers, each sending its next message as soon as the last
    arrived; the server is saturated, so this shows queueing under overload."""

    async def lane(mine):
        for job in mine:
            await _deliver(connections, job, samples)

    await asyncio.gather(*(lane(jobs[i::SENDERS]) for i in range(SENDERS)))


def _plan(pairs):
    """Rounds over the conversations: specialist, patient, specialist, ... (a reply-only
    brand: the specialist wrote first when seeding). Warm-up jobs first."""
    jobs = []
    total = WARMUP + MESSAGES
    n = 0
    while len(jobs) < total:
        from_specialist = (n // len(pairs)) % 3 != 1
        patient, specialist, conversation = pairs[n % len(pairs)]
        sender, recipient = (specialist, patient) if from_specialist else (patient, specialist)
        jobs.append((n % len(pairs), sender, recipient, conversation, len(jobs) >= WARMUP))
        n += 1
    return jobs


async def _deliveries(port: int, people: list[Person], pairs) -> dict[str, list[float]]:
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def open_one(person: Person):
        async with gate:
            await person.open(port)

    await asyncio.gather(*(open_one(p) for p in people))
    # The client is the measuring instrument: keep its own full collections (which would walk
    # the seeded data and 200 sockets) from adding pauses to the figures.
    gc.collect()
    gc.freeze()
    connections = Connections(port)
    measured: dict[str, list[float]] = {"steady": [], "flat_out": []}
    try:
        jobs = [j[1:] for j in _plan(pairs)]
        await _steady(connections, jobs, measured["steady"])
        await _flat_out(connections, jobs, measured["flat_out"])
    finally:
        connections.close()
        await asyncio.gather(*(p.close() for p in people), return_exceptions=True)
    return measured


# --- Inbox ---------------------------------------------------------------------------------


def _inbox_queries(brand, count: int) -> int:
    """Queries of the inbox of a specialist with ``count`` conversations, each with a
    patient of their own (half with an unread reply)."""
    specialist = _people(brand, f"inbox{count}", 1)[0]
    patients = _patients(brand, f"inbox{count}", count)
    _care(brand, patients[:count], [specialist] * count)
    for i, patient in enumerate(patients[:count]):
        _converse(patient, specialist, reply=i % 2 == 0)
    client = Client(HTTP_HOST=PLATFORM_HOST)
    client.force_login(specialist.user)

    def get():
        response = client.get("/practice/messages/", secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"/practice/messages/ answered {response.status_code}")
        rows = len(response.context["rows"])
        if rows != min(count, 50):
            raise RuntimeError(f"the inbox of {count} conversations lists {rows}")

    get()  # warm-up: first-request caches
    return count_queries(get)


def _p(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


# --- Run -----------------------------------------------------------------------------------


def run() -> list[dict]:
    began = time.perf_counter()
    brand, specialists, patients, conversations = _seed()
    small = _inbox_queries(brand, 10)
    large = _inbox_queries(brand, 100)
    if small != large:
        raise RuntimeError(
            f"the specialist inbox makes {small} queries with 10 conversations and {large} "
            "with 100: it must make a constant number"
        )
    with Server() as server:
        port = server.port
        people, pairs = [], []
        for patient, specialist, conversation in zip(
            patients, specialists, conversations, strict=True
        ):
            p = Person(
                user=patient.user,
                host=f"{BRAND_HOST}:{port}",
                session_key=_signed_in(patient.user, brand),
                path="/messages/{}/",
            )
            s = Person(
                user=specialist.user,
                host=f"{PLATFORM_HOST}:{port}",
                session_key=_signed_in(specialist.user, None),
                path="/practice/messages/{}/",
            )
            people += [p, s]
            pairs.append((p, s, str(conversation.uuid)))
        measured = asyncio.run(_deliveries(port, people, pairs))
    from hale.messaging.models import Message

    received = {m for person in people for m in person.received}
    sent = 2 * (WARMUP + MESSAGES)  # the steady run and the flat-out run
    if len(received) != sent:
        raise RuntimeError(f"{len(received)} distinct messages arrived, not {sent}")
    known = Message.objects.filter(uuid__in=[uuid.UUID(m) for m in received]).count()
    if known != len(received):
        raise RuntimeError("a message.created event named a message that does not exist")
    steady, flat = measured["steady"], measured["flat_out"]
    print(f"bench_messaging: {sent} deliveries, {time.perf_counter() - began:.0f} s")
    clients = 2 * PAIRS
    return [
        result(f"websocket delivery p50, {clients} clients", _p(steady, 50), "ms", "-"),
        result(f"websocket delivery p95, {clients} clients", _p(steady, 95), "ms", "< 50"),
        result(
            f"websocket delivery p95, {clients} clients, {SENDERS} senders flat out",
            _p(flat, 95),
            "ms",
            "-",
        ),
        result("messages inbox queries, 10 conversations", small, "queries", "constant"),
        result("messages inbox queries, 100 conversations", large, "queries", "constant"),
    ]
