"""Pages through the real ASGI server with production settings (DEBUG off, as deployed).

uvicorn processes serve the benchmark database with ``DEBUG=0`` (cached templates, manifest
static files, HTTPS behind a proxy: requests carry ``X-Forwarded-Proto: https``). One
keep-alive connection requests each page in turn, keeping the cookies the answers set as a
browser does. The database is seeded with 10,000 appointments, copied, and grown to 200,000
(bulk-inserted, spread over 2,000 patients and 60 specialists across three years; what the
measured pages show stays the same, so growth is what the rest of the data costs them). The
bare view ``/healthz/`` (no query, a plain-text answer through the whole middleware stack) is
measured in the same run as the yardstick.

Three servers run side by side: one as deployed on the 200k database, where a repeated request
for a page is answered by the page cache while nothing it was drawn from changed
(``hale.accounts.pagecache``), and two with ``PAGE_CACHE=0``, where every request renders the
page afresh, on the 10k copy and on the 200k database. The uncached pair is measured in
alternating rounds, so whatever else the machine does weighs on both alike.

Figures, per page: ``<page> ÷ bare view, 200k`` (req/s of the page as deployed over req/s of
the bare view; target ≥ 0.5), ``<page> p95 growth 10k→200k`` (p95 latency of the uncached
rendering at 200k over p95 at 10k, medians of the rounds: what the rest of the data costs the
page's queries; target ≤ 1.3), ``<page> uncached ÷ bare view, 200k`` (every request rendered),
plus the raw req/s and p95 for reading.
"""

import contextlib
import datetime as dt
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.common import result

ROOT = Path(__file__).resolve().parent.parent
SPECIALISTS = 60
PATIENTS = 2000
SAMPLES = 150  # requests per page and stage (after a warm-up)
WARMUP = 15
MEASURED = 70  # the appointments _seed_measured makes
ROUNDS = 3  # uncached rounds at 10k and 200k, interleaved


def _seed_people():
    from hale.accounts.models import Patient, User
    from hale.matching.models import CareRelationship, Listing
    from hale.scheduling.models import SessionType, WeeklyRule
    from hale.specialists.models import Specialist
    from hale.tenancy.models import Brand, BrandDomain

    brand = Brand.objects.create(slug="pagebench", name="Page Bench")
    BrandDomain.objects.create(domain="pagebench.localhost", brand=brand)
    zones = ["Europe/Madrid", "America/New_York", "Europe/London", "Australia/Sydney"]
    users = User.objects.bulk_create(
        User(email=f"pages.dr{i}@example.com", full_name=f"Doctor {i}", time_zone=zones[i % 4])
        for i in range(SPECIALISTS)
    )
    specialists = Specialist.objects.bulk_create(
        Specialist(
            user=u,
            display_name=f"Dr Page {i}",
            credentials="PhD",
            status=Specialist.Status.APPROVED,
            time_zone=u.time_zone,
            offers_video=True,
            languages=["en", "es"] if i % 2 else ["en"],
            bio="Evidence-based therapy for anxiety, low mood and stress.",
        )
        for i, u in enumerate(users)
    )
    Listing.objects.bulk_create(Listing(specialist=s, brand=brand) for s in specialists)
    WeeklyRule.objects.bulk_create(
        WeeklyRule(specialist=s, weekday=d, start_time=dt.time(8), end_time=dt.time(18))
        for s in specialists
        for d in range(5)
    )
    SessionType.objects.bulk_create(
        SessionType(
            specialist=s,
            name=f"Session {m}",
            duration_minutes=m,
            buffer_after_minutes=10,
            minimum_notice_minutes=120,
            price_minor=9000,
        )
        for s in specialists
        for m in (50, 25)
    )
    patient_users = User.objects.bulk_create(
        User(email=f"pages.p{i}@example.com", full_name=f"Patient {i}", time_zone="Europe/Madrid")
        for i in range(PATIENTS)
    )
    patients = Patient.objects.bulk_create(
        Patient(brand=brand, user=u, email=u.email, full_name=u.full_name) for u in patient_users
    )
    now = timezone.now()
    CareRelationship.objects.bulk_create(
        CareRelationship(
            patient=p,
            specialist=specialists[i % SPECIALISTS],
            brand=brand,
            source="browse",
            started_at=now,
        )
        for i, p in enumerate(patients)
    )
    return brand, specialists, patients


def _appointment(brand, patient, specialist, start):
    from hale.scheduling.models import Appointment

    return Appointment(
        brand=brand,
        patient=patient,
        specialist=specialist,
        session_name="Session 50",
        start=start,
        end=start + dt.timedelta(minutes=50),
        modality="video",
        status="completed" if start < timezone.now() else "confirmed",
    )


def _seed_measured(brand, specialists, patients):
    """What the measured pages show, the same at 10k and at 200k: the measured patient's 60
    sessions with the measured specialist (weekly, half past, half ahead), and that
    specialist's week filled with other patients (two sessions a working day)."""
    from hale.scheduling.models import Appointment

    doctor = specialists[0]
    monday = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    monday -= dt.timedelta(days=monday.weekday())
    rows = [
        _appointment(brand, patients[0], doctor, monday + dt.timedelta(weeks=w, hours=17))
        for w in range(-30, 30)
    ]
    rows += [
        _appointment(
            brand, patients[1 + d * 2 + h], doctor, monday + dt.timedelta(days=d, hours=9 + h)
        )
        for d in range(5)
        for h in range(2)
    ]
    Appointment.objects.bulk_create(rows)


def _add_appointments(brand, specialists, patients, start_index, count):
    """Background appointments ``start_index``..``start_index+count``: spread over the other
    59 specialists and the other patients, one an hour in working hours, from 18 months ago
    to 18 months ahead. The measured pages show none of them; their queries must not pay
    for them."""
    from hale.scheduling.models import Appointment

    origin = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=548)
    span_hours = 3 * 365 * 10  # ten working hours a day over three years
    others = len(specialists) - 1
    per_specialist = (len(patients) - others) // others
    batch = []
    for n in range(start_index, start_index + count):
        k = 1 + n % others
        slot = (n // others * 7919) % span_hours  # a permutation of the hours
        start = origin + dt.timedelta(days=slot // 10, hours=8 + slot % 10)
        patient = patients[others + k + others * ((n // others) % per_specialist)]
        batch.append(_appointment(brand, patient, specialists[k], start))
        if len(batch) == 5000:
            Appointment.objects.bulk_create(batch)
            batch = []
    Appointment.objects.bulk_create(batch)
    # A maintained database has planner statistics and no vacuum debt (autovacuum keeps up
    # on PostgreSQL, where it would otherwise start on the fresh rows in the middle of the
    # measurement; ANALYZE, as README says, on the embedded SQLite).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _session_cookie(user, host) -> str:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    name = name or db["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@contextlib.contextmanager
def _copy_of_database():
    """A copy of the benchmark database as it is now (its name), dropped afterwards."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        copy = f"{name}.10k"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [copy])
        try:
            yield copy
        finally:
            Path(copy).unlink(missing_ok=True)
        return
    import psycopg

    db = connection.settings_dict
    copy = f"{name}_10k"
    connection.close()  # a template database must have no other session, pooled ones included
    connection.close_pool()
    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
    admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    try:
        yield copy
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        admin.close()


class Server:
    """uvicorn serving hale.asgi with production settings on a loopback port."""

    def __init__(self, *, page_cache: bool, database: str | None = None):
        self.port = _free_port()
        var = Path(os.environ["HALE_VAR_DIR"]) / f"pages-server-{int(page_cache)}-{_free_port()}"
        var.mkdir(exist_ok=True)
        dropped = {"HALE_TESTING", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
        self.env = {k: v for k, v in os.environ.items() if k not in dropped}
        self.env.update(
            DJANGO_SETTINGS_MODULE="hale.settings",
            DEBUG="0",
            # The sessions made here are signed with this process's key.
            SECRET_KEY=settings.SECRET_KEY,
            ALLOWED_HOSTS=".localhost,localhost",
            DATABASE_URL=_database_url(database),
            HALE_VAR_DIR=str(var),
            LOG_LEVEL="WARNING",
            PAGE_CACHE=str(int(page_cache)),
        )

    def __enter__(self):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                "hale.asgi:application",
                "--host=127.0.0.1",
                f"--port={self.port}",
                "--lifespan=off",
                "--proxy-headers",
                "--no-access-log",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the benchmark server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=15)


def _measure(port, host, path, cookie=None) -> tuple[float, float]:
    """(req/s, p95 ms) of ``path`` on one keep-alive connection, keeping the cookies the
    answers set (the CSRF cookie) as a browser does."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host, "X-Forwarded-Proto": "https", "Accept-Language": "en"}
    jar = {settings.SESSION_COOKIE_NAME: cookie} if cookie else {}

    def get():
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in sorted(jar.items()))
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{host}{path} answered {response.status}: {body[:200]!r}")
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]

    for _ in range(WARMUP):
        get()
    samples = []
    began = time.perf_counter()
    for _ in range(SAMPLES):
        t = time.perf_counter()
        get()
        samples.append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - began
    conn.close()
    return SAMPLES / elapsed, statistics.quantiles(samples, n=20)[18]


def run() -> list[dict]:
    brand, specialists, patients = _seed_people()
    _seed_measured(brand, specialists, patients)
    patient = patients[0]  # seen by specialists[0]
    specialist = specialists[0]
    brand_host, platform_host = "pagebench.localhost", "localhost"
    patient_cookie = _session_cookie(patient.user, brand_host)
    specialist_cookie = _session_cookie(specialist.user, platform_host)
    pages = {
        "patient home": (brand_host, "/", patient_cookie),
        "appointment list": (brand_host, "/appointments/", patient_cookie),
        "calendar week": (platform_host, "/practice/schedule/", specialist_cookie),
        "specialist dashboard": (platform_host, "/", specialist_cookie),
        "browse": (brand_host, "/specialists/", patient_cookie),
        "profile": (brand_host, f"/specialists/{specialists[1].uuid}/", patient_cookie),
    }
    _add_appointments(brand, specialists, patients, 0, 10_000 - MEASURED)
    figures: dict[str, tuple[float, float]] = {}
    small: dict[str, list[float]] = {name: [] for name in pages}
    large: dict[str, list[tuple[float, float]]] = {name: [] for name in pages}
    with _copy_of_database() as at_10k:
        _add_appointments(brand, specialists, patients, 10_000 - MEASURED, 190_000)
        with (
            Server(page_cache=True) as server,
            Server(page_cache=False) as plain,
            Server(page_cache=False, database=at_10k) as plain_10k,
        ):
            figures["bare view"] = _measure(server.port, platform_host, "/healthz/")
            for name, (host, path, cookie) in pages.items():
                figures[name] = _measure(server.port, host, path, cookie)
            # 10k and 200k side by side, round after round, so that whatever else the
            # machine does weighs on both alike.
            for _ in range(ROUNDS):
                for name, (host, path, cookie) in pages.items():
                    small[name].append(_measure(plain_10k.port, host, path, cookie)[1])
                    large[name].append(_measure(plain.port, host, path, cookie))
    bare_rps, _ = figures["bare view"]
    results = [result("bare view /healthz/ req/s, 200k", bare_rps, "req/s", "yardstick")]
    for name in pages:
        rps, p95 = figures[name]
        plain_rps = statistics.median(r for r, _ in large[name])
        plain_p95 = statistics.median(p for _, p in large[name])
        results += [
            result(f"{name} ÷ bare view, 200k", rps / bare_rps, "ratio", "≥ 0.5"),
            result(
                f"{name} p95 growth 10k→200k",
                plain_p95 / statistics.median(small[name]),
                "ratio",
                "≤ 1.3",
            ),
            result(f"{name} req/s, 200k", rps, "req/s", "-"),
            result(f"{name} p95, 200k", p95, "ms", "-"),
            result(f"{name} uncached ÷ bare view, 200k", plain_rps / bare_rps, "ratio", "-"),
            result(f"{name} uncached p95, 200k", plain_p95, "ms", "-"),
        ]
    return results
