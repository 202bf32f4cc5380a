"""Browser harness: a real ASGI server (uvicorn: HTTP + WebSocket) and a headless Chromium.

Fixtures for journeys under ``tests/e2e`` (every test here gets the ``browser`` marker):

``server``
    The real ``hale.asgi:application`` served by uvicorn on 127.0.0.1 and a free port.
    uvicorn starts once per session; each test that uses ``server`` runs on
    ``transactional_db``, so what the test commits is visible to the server, and the
    tables are flushed afterwards (rows made by migrations come back before the next test).
    ``server.url("calm.localhost", "/help/")`` gives ``http://calm.localhost:PORT/help/``
    (Chromium resolves ``*.localhost`` to loopback).
    ``server.call(fn, *args)`` runs sync code where the server runs its views: use it for
    anything that sends channel-layer events through ``async_to_sync``, which refuses to
    run in the test thread once Playwright has started.
``browser``
    A session-wide headless Chromium (Debian's ``/usr/bin/chromium`` or ``$CHROMIUM_PATH``)
    that can reach nothing but loopback.
``page`` / ``new_page``
    ``page`` is a fresh context + page (en-GB, Europe/London; 10 s timeout for actions and
    ``expect``). Override the context with an indirect parameter,
    ``@pytest.mark.parametrize("page", [{"timezone_id": "America/New_York"}], indirect=True)``,
    or make more pages with ``new_page(**context_kwargs)``. On failure every page of the test
    is screenshotted into ``test-results/`` and its console errors are added to the report.
``login(page, server, user, host="localhost")``
    Signs ``user`` in for ``host`` without the UI: a real session row plus its cookie.
``assert_accessible(page)``
    Runs axe-core on the current page and fails listing "serious" and "critical" violations.

Browser tests run after all other tests of the session (see ``_playwright`` for why).
Chromium missing: every test here is skipped with one reason, or fails when
``HALE_REQUIRE_BROWSER=1`` (CI sets it, so a broken install cannot pass as "skipped").
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

E2E_DIR = Path(__file__).resolve().parent
RESULTS_DIR = E2E_DIR.parent.parent / "test-results"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("HALE_REQUIRE_BROWSER", "") == "1"
MISSING_CHROMIUM = f"no Chromium at {CHROMIUM_PATH}"
DEFAULT_TIMEOUT_MS = 10_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--metrics-recording-only",
    "--no-default-browser-check",
    # Loopback only: any other name fails to resolve, and anything else (an IP literal) is
    # sent to a proxy on a closed loopback port, so a test can never reach the network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, "
    "EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=localhost;*.localhost;127.0.0.1",
]

PAGES_KEY = pytest.StashKey[list]()


def _chromium_present() -> bool:
    return os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)


def _is_e2e(item: pytest.Item) -> bool:
    return E2E_DIR in item.path.parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.browser)
    # Browser tests last: once Playwright has started, its event loop stays visible in the
    # test thread for the rest of the session (see _playwright), which no other test expects.
    items[:] = [i for i in items if not _is_e2e(i)] + [i for i in items if _is_e2e(i)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and MISSING_CHROMIUM in str(report.longrepr[2])
    ):
        # One line in the skip summary for all of them, not one per test.
        report.longrepr = (__file__, None, f"Skipped: {MISSING_CHROMIUM}")
    pages = item.stash.get(PAGES_KEY, None)
    if report.when == "call" and report.failed and pages:
        # Runs before fixture teardown, so the pages are still open.
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-150:]
        lines = []
        for n, (page, console) in enumerate(pages):
            if page.is_closed():
                continue
            shot = RESULTS_DIR / f"{stem}-{n}.png"
            try:
                page.screenshot(path=str(shot), full_page=True, timeout=5_000)
                lines.append(f"page {n}: {page.url}\n  screenshot: {shot}")
            except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the failure
                lines.append(f"page {n}: {page.url}\n  no screenshot: {exc}")
            lines.extend(f"  console: {entry}" for entry in console)
        report.sections.append(("browser", "\n".join(lines)))
    return report


@pytest.fixture(scope="session", autouse=True)
def _chromium_installed() -> None:
    """Skip every browser test with one reason (one line in ``-rs``) when Chromium is
    missing, or fail them when ``HALE_REQUIRE_BROWSER=1``."""
    if _chromium_present():
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"{MISSING_CHROMIUM} (HALE_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(MISSING_CHROMIUM)


# --- server ---------------------------------------------------------------------------------


class _InFlight:
    """ASGI wrapper counting open HTTP requests and WebSockets, so a test's teardown can wait
    for the server to go idle before the tables are flushed under it."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        with self._lock:
            self.count += 1
        try:
            return await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.count -= 1

    def wait_idle(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.count and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self.count


@dataclass
class LiveServer:
    """The running ASGI server. ``url(host, path)`` builds an address on it."""

    port: int
    _in_flight: _InFlight = field(repr=False)
    _loop: asyncio.AbstractEventLoop = field(repr=False)

    def url(self, host: str, path: str = "/") -> str:
        if not path.startswith("/"):
            path = "/" + path
        return f"http://{host}:{self.port}{path}"

    def call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` where the server runs its sync views, and return its
        result (or raise its exception).

        Use it for code that sends channel-layer events (``async_to_sync(group_send)``, e.g.
        an action that notifies someone live): asgiref refuses ``async_to_sync`` in the test
        thread while Playwright's loop is there, and run from here the event goes through
        the server's own loop, as it would in production.
        """
        from asgiref.sync import sync_to_async
        from django.db import close_old_connections

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                close_old_connections()

        future = asyncio.run_coroutine_threadsafe(sync_to_async(run)(), self._loop)
        return future.result(timeout=60)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        return self._in_flight.wait_idle(timeout)


@pytest.fixture(scope="session")
def _asgi_server(django_db_setup) -> Iterator[LiveServer]:
    """uvicorn in a background thread for the whole session.

    Depending on ``django_db_setup`` means the test database exists first and the server is
    stopped before it is destroyed. Connections are thread-local and opened lazily from
    ``settings.DATABASES``, which the test-database setup has already pointed at the test
    database (the SQLite file ``var/test.sqlite3``, or PostgreSQL's ``test_<name>``), so
    Django's sync views in the server's executor thread use the very same database as the
    test. pytest-django's DB blocker patches the connection class, not a thread, so the
    server may touch the database exactly while a test holds ``transactional_db``.
    """
    import uvicorn
    from django.test.utils import override_settings

    # pytest-django runs tests with DEBUG=False, where WhiteNoise serves only collected files;
    # let it find static files in the source tree instead, so hale.js and the CSS load.
    # The page cache is on, as deployed (hale.accounts.pagecache), so every journey also
    # checks that no page is ever answered stale.
    # The middleware reads these when the application is built, hence the (re)import here.
    with override_settings(
        WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True, PAGE_CACHE=True
    ):
        if "hale.asgi" in sys.modules:
            asgi = importlib.reload(sys.modules["hale.asgi"])
        else:
            asgi = importlib.import_module("hale.asgi")
        app = _InFlight(asgi.application)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        ws_ping_interval=None,
    )
    server = uvicorn.Server(config)
    failure: list[BaseException] = []
    loops: list[asyncio.AbstractEventLoop] = []

    async def serve() -> None:
        loops.append(asyncio.get_running_loop())
        await server.serve(sockets=[sock])

    def run() -> None:
        try:
            asyncio.run(serve(), loop_factory=config.get_loop_factory())
        except BaseException as exc:  # noqa: BLE001 - reported to the session below
            failure.append(exc)

    thread = threading.Thread(target=run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if failure or not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError(f"uvicorn did not start: {failure or 'timeout'}")
        time.sleep(0.02)
    try:
        yield LiveServer(port=port, _in_flight=app, _loop=loops[0])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session", autouse=True)
def _migrated_baseline(_chromium_installed, django_db_setup, django_db_blocker) -> None:
    """Empty every table once, before the first browser test, without post_migrate.

    Browser tests restore the rows migrations made (serialized rollback, see ``server``)
    into empty tables before each test, and leave them empty afterwards. Other tests on
    ``transactional_db`` that ran earlier in the session leave tables flushed but with
    content types and permissions re-created under new ids, which would collide with the
    restored ones.
    """
    from django.core.management import call_command
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            if hasattr(connections[alias], "_test_serialized_contents"):
                call_command(
                    "flush",
                    database=alias,
                    interactive=False,
                    inhibit_post_migrate=True,
                    verbosity=0,
                )


def _reset_sequences() -> None:
    """The restored rows keep their ids, but PostgreSQL's sequences were reset by the flush:
    move them past the restored ids, or the test's first insert collides with them."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture
def server(
    _asgi_server: LiveServer, transactional_db, django_db_serialized_rollback
) -> Iterator[LiveServer]:
    """The session's server, for one test whose committed data it sees.

    Tables are flushed after the test; with serialized rollback, rows that migrations create
    (vocabularies, content types and the like) are put back before each test, so every test
    starts from a freshly migrated database, whatever ran before it.
    """
    _reset_sequences()
    yield _asgi_server
    # Let requests the browser left in flight finish before the flush takes its locks.
    _asgi_server.wait_idle()


# --- browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright(_chromium_installed) -> Iterator[Any]:
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)

    # Playwright's sync API runs an asyncio loop in a greenlet of the test thread and, by
    # design, leaves it marked as this thread's running loop between calls (see
    # playwright/_impl/_greenlets.py, wait_for_future). From here on, Django's async-safety
    # guard would refuse every ORM call made by test code and fixtures in this thread with
    # SynchronousOnlyOperation, although nothing runs concurrently with that loop. So allow
    # it, but only from here on: the browser tests run last (pytest_collection_modifyitems),
    # so the guard stays on for every other test. (The switch is process-wide: while browser
    # tests run, the server's guard is off as well; consumers' own tests keep it.)
    # asgiref's async_to_sync refuses to run here for the same reason: use server.call.
    #
    # That visible loop also moves Django's connection objects: they live in an asgiref
    # Local, which holds them per thread in sync code but per context once a loop runs. The
    # test thread gets fresh connection objects (same settings, so the same test database),
    # which lack what the test-database setup pinned on the old ones: the snapshot that
    # serialized rollback restores. Close the old ones and carry the snapshot over.
    snapshots = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    connections.close_all()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    for alias, snapshot in snapshots.items():
        if snapshot is not None:
            connections[alias]._test_serialized_contents = snapshot
    try:
        yield pw
    finally:
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright) -> Iterator[Any]:
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


CONTEXT_DEFAULTS: dict[str, Any] = {"locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def new_page(request: pytest.FixtureRequest, browser, server) -> Iterator[Callable[..., Any]]:
    """Factory: ``new_page(**context_kwargs)`` opens a page in a fresh browser context.

    Depends on ``server`` so pages close before the server goes idle and the tables flush.
    """
    contexts: list[Any] = []
    yield page_factory(request, browser, contexts)
    for context in contexts:
        context.close()


def page_factory(request: pytest.FixtureRequest, browser, contexts: list) -> Callable[..., Any]:
    """``make(**context_options)``: a page in a fresh context of ``browser`` (kept in
    ``contexts`` for the caller to close), its console errors collected for failure reports."""
    pages = request.node.stash.setdefault(PAGES_KEY, [])

    def make(**context_kwargs: Any):
        context = browser.new_context(**{**CONTEXT_DEFAULTS, **context_kwargs})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console: list[str] = []
        page.on(
            "console",
            lambda msg: (
                console.append(f"{msg.type}: {msg.text}")
                if msg.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        pages.append((page, console))
        return page

    return make


@pytest.fixture
def page(request: pytest.FixtureRequest, new_page):
    """A fresh page; ``indirect`` parametrisation passes browser-context options."""
    return new_page(**getattr(request, "param", {}))


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def login() -> Callable[..., str]:
    """``login(page, server, user, host="localhost")``: sign ``user`` in on ``host``.

    The session is created the way Django's test client does it (a real session row), and its
    cookie is added to the page's context for that host only; returns the session key.
    """
    from django.conf import settings
    from django.test import Client

    def sign_in(page, server: LiveServer, user, host: str = "localhost") -> str:
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": key,
                    "url": server.url(host, "/"),
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return key

    return sign_in


BLOCKING_IMPACTS = ("serious", "critical")


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious/critical accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # axe's CSSOM preload re-adds the page's stylesheets as <style> elements, which the strict
    # CSP blocks (console noise, and a crash in the preload); only the css-orientation-lock
    # rule would use it.
    "preload": False,
}


@pytest.fixture
def assert_accessible(_axe) -> Callable[..., None]:
    """``assert_accessible(page)``: axe-core finds no serious or critical violation.

    axe is injected with ``page.evaluate`` (Chrome DevTools Protocol ``Runtime.evaluate``),
    which is not subject to the page's Content-Security-Policy, so every page keeps its
    strict CSP (no inline scripts) enforced: no ``bypass_csp`` context is needed. It needs
    JavaScript on in the context (with ``java_script_enabled=False`` axe never answers).
    ``context`` and ``options`` are passed to ``axe.run``, e.g.
    ``options={"rules": {"region": {"enabled": False}}}``.
    """

    def check(page, context: Any = None, options: dict | None = None) -> None:
        page.wait_for_load_state("load")
        results = _axe.run(page, context=context, options={**AXE_OPTIONS, **(options or {})})
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(_format_violations(page.url, blocking), pytrace=False)

    return check
