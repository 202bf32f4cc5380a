"""Shared test cast (personas) and helpers for requests on a brand host."""

import pytest
from django.test import Client

from hale.accounts.models import Patient, User
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand, BrandDomain, BrandMembership

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 (test persona)


def make_brand(slug: str, name: str, **extra) -> Brand:
    brand = Brand.objects.create(slug=slug, name=name, **extra)
    BrandDomain.objects.create(brand=brand, domain=f"{slug}.localhost", is_primary=True)
    return brand


def make_user(email: str, **extra) -> User:
    """A user whose email address is verified, as after a completed sign-up."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def confirmation_path(email: str) -> str:
    """The path of the last email-confirmation link sent to ``email`` (sign-ups confirm their
    address before signing in; ``django.core.mail.outbox`` holds the message)."""
    import re

    from django.core import mail

    pattern = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")
    paths = [
        match.group(1)
        for message in mail.outbox
        if email in message.to and (match := pattern.search(message.body))
    ]
    if not paths:
        raise AssertionError(f"no confirmation link was emailed to {email}")
    return paths[-1]


@pytest.fixture
def brand_a(db) -> Brand:
    return make_brand(
        "calm",
        "Calm Minds",
        colour_primary="#2f6f73",
        default_language="en",
        default_time_zone="Europe/London",
        features=["video", "smart_matching"],
    )


@pytest.fixture
def brand_b(db) -> Brand:
    return make_brand(
        "northside",
        "Northside Clinic",
        colour_primary="#7a2e3a",
        default_language="en",
        default_time_zone="America/New_York",
        features=["invitations", "shop"],
    )


@pytest.fixture
def patient_a(brand_a) -> Patient:
    user = make_user("patient.a@example.com", full_name="Alice Patient")
    return Patient.objects.create(
        brand=brand_a, user=user, email=user.email, full_name=user.full_name
    )


@pytest.fixture
def patient_b(brand_b) -> Patient:
    user = make_user("patient.b@example.com", full_name="Bob Patient")
    return Patient.objects.create(
        brand=brand_b, user=user, email=user.email, full_name=user.full_name
    )


@pytest.fixture
def specialist(db) -> Specialist:
    user = make_user("dr.one@example.com", full_name="Dana One", time_zone="Europe/Madrid")
    return Specialist.objects.create(
        user=user, display_name="Dr Dana One", status=Specialist.Status.APPROVED
    )


@pytest.fixture
def specialist_2(db) -> Specialist:
    user = make_user("dr.two@example.com", full_name="Sam Two", time_zone="America/Chicago")
    return Specialist.objects.create(
        user=user, display_name="Dr Sam Two", status=Specialist.Status.APPROVED
    )


@pytest.fixture
def staff_a(brand_a) -> User:
    user = make_user("staff.a@example.com", full_name="Casey Staff")
    BrandMembership.objects.create(brand=brand_a, user=user)
    return user


@pytest.fixture
def staff_b(brand_b) -> User:
    user = make_user("staff.b@example.com", full_name="Nora Staff")
    BrandMembership.objects.create(brand=brand_b, user=user)
    return user


@pytest.fixture
def operator(db) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.create_superuser(email="ops@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


class HostClient(Client):
    """A test client whose requests go to one host (a brand domain or the platform host)."""

    def __init__(self, host: str, **kwargs):
        super().__init__(HTTP_HOST=host, **kwargs)
        self.host = host


@pytest.fixture
def anonymous():
    """An anonymous visitor; call with a host: ``anonymous("calm.localhost")``."""
    return lambda host="localhost": HostClient(host)


@pytest.fixture
def client_for():
    """A signed-in client for ``user`` on ``host``: ``client_for(user, "calm.localhost")``."""

    def make(user: User, host: str = "localhost") -> HostClient:
        c = HostClient(host)
        c.force_login(user)
        return c

    return make


def clear_cache() -> None:
    """Empty this test process's cache. Use it instead of ``cache.clear()``: on Redis that
    flushes the whole database, which parallel test processes (pytest-xdist) share."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]  # the backend itself: ``django.core.cache.cache`` is a proxy
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    caches["pages"].clear()  # each process's own memory (hale.accounts.pagecache)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate limits (e.g. denied-access audit rows) and
    remembered counts must not carry over from another test's users, whose ids repeat."""
    clear_cache()
    yield


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request in Spanish leaves that language active on the
    thread (LocaleMiddleware does not reset it), which would leak into the next test."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def private_storage(settings, tmp_path):
    """Uploads go to a throw-away private folder; MEDIA_ROOT is another (it must stay empty)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def stored_files(private_storage, settings):
    """Every file in private storage and MEDIA_ROOT, as paths relative to the test folder."""
    root = private_storage.parent

    def listing() -> list[str]:
        found = []
        for folder in (private_storage, settings.MEDIA_ROOT):
            if folder.exists():
                found += [str(p.relative_to(root)) for p in folder.rglob("*") if p.is_file()]
        return sorted(found)

    return listing


def pytest_collection_modifyitems(config, items):
    """Tests that need a real service (``@pytest.mark.service("clamd")``) say so in the JUnit
    report (a ``service`` property), so CI can check that none was skipped where it runs."""
    for item in items:
        for marker in item.iter_markers("service"):
            item.user_properties.append(("service", marker.args[0]))


@pytest.fixture(scope="session")
def clamd_daemon():
    """A real clamd with a test signature database (EICAR), for the whole session; tests
    point ``CLAMD_SOCKET`` (or ``CLAMD_HOST``/``CLAMD_PORT``) at it. Skipped, with the
    reason, only where clamd or sigtool is not installed."""
    from tests import clamd

    if reason := clamd.missing():
        pytest.skip(reason)
    daemon = clamd.ClamdDaemon().start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def _stripe_server():
    from hale.payments.tests.stripe_server import FakeStripe

    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def fake_stripe(_stripe_server, settings):
    """Stripe on loopback (localstripe behind our server for Checkout and Connect), with the
    app's keys pointing at it. Webhooks go nowhere unless a test sets a URL: each event is
    recorded in ``fake_stripe.events`` and tests post it to the endpoint themselves."""
    fake = _stripe_server
    fake.reset()
    settings.STRIPE_SECRET_KEY = "sk_test_hale"  # noqa: S105 - the loopback server's test key
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.STRIPE_API_BASE = fake.api_base
    fake.set_webhook_url("http://127.0.0.1:9/unreachable")
    return fake
