"""Signed-in pages answered again from memory while nothing they were drawn from has changed.

A view opts in with ``@cacheable``. Its rendering records every table the request read, the
whole middleware stack included (``hale.core.stamps``), and the response is kept in this
process's ``pages`` cache under a key made of everything the request brought that could change
the answer: scheme, host, full path and the request's headers (the whole Cookie header:
session, CSRF, language, time zone and flash messages; Accept-Language; htmx's headers), less
the transport ones. The next identical request is answered from it, before the rest of the
middleware runs, only when all of these still hold:

- the session row holds exactly what it held and has not expired (signing out, a flash
  message, a brand binding or any other session change ends the entry);
- the person's ``UserSession`` row still exists (a session ended elsewhere signs out as usual);
- no table the page read has been written since (their stamps are unchanged; one query);
- the clock has not reached the entry's end: the end of the minute it was drawn in (what pages
  show of time, such as join windows, notice deadlines and open slots, changes on the minute),
  the moment the session's activity is due to be recorded again, and the session's idle and
  absolute deadlines.

Anything else takes the normal path. A rendering that wrote, set a cookie, changed the
session or answered other than 200 is not kept. Every answer carries a fresh CSP nonce and
``X-Hale-Page-Cache: hit``. The entries live in process memory and are checked against the
database on every use, so several server processes, the worker or a shell writing never make
one serve a stale page; a page can lag a write by the moment between its commit and its stamp
(see ``hale.core.stamps``).
Settings: ``PAGE_CACHE`` (on outside tests), the ``pages`` cache alias.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any, cast

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hale.accounts import sessions
from hale.accounts.models import UserSession
from hale.core import stamps

# Checked row by row on every use instead of by table: written all the time by everyone's
# sign-ins and activity, while a page depends only on its own session's rows.
ROW_CHECKED = frozenset({Session._meta.db_table, UserSession._meta.db_table})
# Request headers that say nothing about the answer.
TRANSPORT_HEADERS = frozenset(
    {
        "HTTP_CONNECTION",
        "HTTP_KEEP_ALIVE",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_CACHE_CONTROL",
        "HTTP_PRAGMA",
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_REAL_IP",
        "HTTP_X_REQUEST_ID",
        "HTTP_PRIORITY",
    }
)
# Marks an answer given from memory (for operators and the browser journeys).
HIT_HEADER = "X-Hale-Page-Cache"
_NONCE = re.compile(r"'nonce-([A-Za-z0-9_\-]+)'")
_KNOWN_PAGES_LIMIT = 50_000


def cacheable[V: Callable[..., HttpResponse]](view: V) -> V:
    """Let ``PageCacheMiddleware`` keep this view's answers (see the module)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        request._page_cacheable = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return cast(V, wrapper)


@dataclass(frozen=True, slots=True)
class Entry:
    until: float
    session_key: str
    session_digest: str
    user_session: tuple[int, int] | None  # (row id, user id)
    stamps: tuple[tuple[str, int], ...]
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    nonce: str | None
    cookies: SimpleCookie


def _session_digest(data: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class PageCacheMiddleware:
    """Answers repeated requests for ``@cacheable`` pages from memory (see the module).

    Place it right after WhiteNoise, above everything that reads the session or the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = bool(getattr(settings, "PAGE_CACHE", False)) and (
            settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
        )
        self.store_class = import_module(settings.SESSION_ENGINE).SessionStore
        # Pages that answered cacheable once (host + path): only their requests pay for a
        # snapshot of the stamps.
        self.known: set[str] = set()
        self.reader = _Reader()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._key(request) if self.enabled else None
        if key is None:
            return self.get_response(request)
        pages = caches["pages"]
        page = request.META.get("HTTP_HOST", "") + request.path
        entry = pages.get(key) if page in self.known else None
        if entry is not None:
            response = self._answer(entry)
            if response is not None:
                return response
        if page not in self.known:
            return self._learn(request, page)
        before = stamps.versions_all()
        with stamps.recording() as reads:
            response = self.get_response(request)
        entry = self._entry(request, response, reads, before)
        if entry is not None:
            pages.set(key, entry, timeout=max(1, entry.until - time.time()))
        return response

    def _learn(self, request: HttpRequest, page: str) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_page_cacheable", False) and response.status_code == 200:
            if len(self.known) >= _KNOWN_PAGES_LIMIT:
                self.known.clear()
            self.known.add(page)
        return response

    def _key(self, request: HttpRequest) -> str | None:
        if request.method != "GET" or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        meta = request.META
        parts = [
            "https" if request.is_secure() else "http",
            request.get_full_path(),
            *sorted(
                f"{name}={value}"
                for name, value in meta.items()
                if name.startswith("HTTP_") and name not in TRANSPORT_HEADERS
            ),
        ]
        return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _answer(self, entry: Entry) -> HttpResponse | None:
        """The kept answer, if it still holds (module docstring); None otherwise."""
        if time.time() >= entry.until:
            return None
        row = self._session_row(entry.session_key, entry.user_session)
        if row is None:
            return None
        data, user_session_alive = row
        if entry.user_session is not None and not user_session_alive:
            return None
        try:
            decoded = self.store_class().decode(data)
        except Exception:  # noqa: BLE001  (a session that no longer decodes holds nothing)
            return None
        if _session_digest(decoded) != entry.session_digest:
            return None
        if entry.stamps and not self._stamps_unchanged(entry.stamps):
            return None
        content = entry.content
        headers = entry.headers
        if entry.nonce:
            nonce = secrets.token_urlsafe(16)
            content = content.replace(entry.nonce.encode(), nonce.encode())
            headers = tuple((n, v.replace(entry.nonce, nonce)) for n, v in headers)
        response = HttpResponse(content, status=entry.status)
        for name, value in headers:
            response[name] = value
        response.cookies = SimpleCookie(entry.cookies)
        response[HIT_HEADER] = "hit"
        if "Content-Length" in response:
            response["Content-Length"] = str(len(content))
        return response

    def _session_row(
        self, session_key: str, user_session: tuple[int, int] | None
    ) -> tuple[str, bool] | None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        alive = "0"
        params: list[Any] = []
        if user_session is not None:
            alive = f'EXISTS (SELECT 1 FROM "{UserSession._meta.db_table}" WHERE "id" = %s AND "user_id" = %s)'  # noqa: S608,E501
            params += list(user_session)
        rows = self.reader.rows(
            f'SELECT "session_data", {alive} FROM "{Session._meta.db_table}" '  # noqa: S608
            'WHERE "session_key" = %s AND "expire_date" > %s',
            [*params, session_key, now],
        )
        return (rows[0][0], bool(rows[0][1])) if rows else None

    def _stamps_unchanged(self, kept: tuple[tuple[str, int], ...]) -> bool:
        sql, names = stamps.versions_query(name for name, _ in kept)
        current = dict.fromkeys(names, 0)
        current.update(self.reader.rows(sql, names))
        return tuple(current.items()) == kept

    def _entry(
        self,
        request: HttpRequest,
        response: HttpResponse,
        reads: stamps.Reads,
        before: dict[str, int],
    ) -> Entry | None:
        """What to keep of this answer, or None when it must not be kept."""
        if not getattr(request, "_page_cacheable", False) or reads.wrote:
            return None
        if (
            response.status_code != 200
            or response.streaming
            or not _renewals_only(request, response)
        ):
            return None
        session = getattr(request, "session", None)
        if session is None or session.modified or session.session_key is None:
            return None
        data = dict(session.items())
        now = time.time()
        until = (now // 60 + 1) * 60
        user_session = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            row = getattr(request, "user_session", None)
            if row is None:
                return None
            user_session = (row.pk, user.pk)
            auth_at = data.get(sessions.AUTH_AT_KEY) or now
            active_at = data.get(sessions.ACTIVE_AT_KEY) or auth_at
            until = min(
                until,
                active_at + sessions.ACTIVITY_RESOLUTION,
                auth_at + sessions.absolute_lifetime(),
            )
            if sessions.idle_timeout():
                until = min(until, active_at + sessions.idle_timeout())
        if until <= now:
            return None
        policy = response.get("Content-Security-Policy", "")
        found = _NONCE.search(policy)
        return Entry(
            until=until,
            session_key=session.session_key,
            session_digest=_session_digest(data),
            user_session=user_session,
            stamps=tuple(
                (name, before.get(name, 0)) for name in sorted(reads.tables - ROW_CHECKED)
            ),
            status=response.status_code,
            headers=tuple(response.items()),
            content=response.content,
            nonce=found.group(1) if found else None,
            cookies=response.cookies,
        )


class _Reader:
    """Where the checks of an answer from memory run.

    PostgreSQL: the request's own connection, from psycopg's pool. SQLite: one connection the
    process keeps open, because ASGI runs each request in a thread of its own, so the request's
    connection is a new one every time, and SQLite reads the whole schema before a new
    connection's first query (about 2 ms here: as much as the rest of the answer). It only
    reads, each query on its own (autocommit), so with WAL it sees every commit as it lands and
    never holds back a writer or a checkpoint.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._name = ""

    def rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        if connection.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        name = str(connection.settings_dict["NAME"])
        with self._lock:
            if self._connection is None or self._name != name:
                self._connection = sqlite3.connect(
                    name, timeout=20, isolation_level=None, check_same_thread=False
                )
                self._name = name
            return self._connection.execute(sql.replace("%s", "?"), params).fetchall()


def _renewals_only(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the answer sets no cookie but the CSRF cookie again with the value the request
    brought (Django renews its expiry on every page with a form)."""
    return all(
        name == settings.CSRF_COOKIE_NAME and morsel.value == request.COOKIES.get(name)
        for name, morsel in response.cookies.items()
    )
