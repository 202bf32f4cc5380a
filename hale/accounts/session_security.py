"""Session lifetime rules, checked on every request of a signed-in person.

- **Idle timeout** (``SESSION_IDLE_TIMEOUT`` seconds, 0 = off): a session nobody used for that
  long is signed out. Only requests a person makes count as activity: background polling
  (the bell's unread count, our own session-status check, anything sending
  ``X-Hale-Background: 1``) and WebSockets do not.
- **Absolute lifetime** (``SESSION_ABSOLUTE_LIFETIME`` seconds, default
  ``SESSION_COOKIE_AGE``): counted from sign-in, which is stored in the session, so renewing
  the cookie cannot extend it.
- **Ended sessions**: a session whose ``UserSession`` row is gone (signed out elsewhere, a
  password or two-factor change) is signed out (see ``hale.accounts.sessions``).

The page warns before the idle timeout (``static/js/session-timeout.js``).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
import uuid
import weakref
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse, set_urlconf
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hale.accounts import sessions
from hale.accounts.models import UserSession
from hale.tenancy.access import brand_for_host
from hale.tenancy.middleware import PLATFORM, is_platform_host

logger = logging.getLogger(__name__)

BACKGROUND_HEADER = "X-Hale-Background"
# Views that poll in the background: they never count as activity.
BACKGROUND_URL_NAMES = frozenset({"notification_unread_count", "account_session_status"})


class State(enum.Enum):
    OK = "ok"
    UNTRACKED = "untracked"  # signed in before session tracking existed
    IDLE = "idle"
    EXPIRED = "expired"
    ENDED = "ended"


def check_session(
    session, user, now: float | None = None, *, with_mfa_rule: bool = False
) -> tuple[State, UserSession | None]:
    """Whether ``user``'s ``session`` may carry on. Reads only (one query)."""
    now = time.time() if now is None else now
    auth_at = session.get(sessions.AUTH_AT_KEY)
    raw_id = session.get(sessions.SESSION_ID_KEY)
    if auth_at is None or raw_id is None:
        return State.UNTRACKED, None
    if now - auth_at > sessions.absolute_lifetime():
        return State.EXPIRED, None
    idle = sessions.idle_timeout()
    active_at = session.get(sessions.ACTIVE_AT_KEY) or auth_at
    if idle and now - active_at > idle:
        return State.IDLE, None
    try:
        session_id = uuid.UUID(raw_id)
    except ValueError:
        return State.ENDED, None
    row = sessions.session_row(session_id=session_id, user_id=user.pk, with_mfa_rule=with_mfa_rule)
    if row is None:
        return State.ENDED, None
    return State.OK, row


def remaining_seconds(session, now: float | None = None) -> int:
    """Seconds until this session ends by itself: the idle timeout if nothing happens, or
    the absolute lifetime, whichever comes first."""
    now = time.time() if now is None else now
    auth_at = session.get(sessions.AUTH_AT_KEY) or now
    left = auth_at + sessions.absolute_lifetime() - now
    idle = sessions.idle_timeout()
    if idle:
        active_at = session.get(sessions.ACTIVE_AT_KEY) or auth_at
        left = min(left, active_at + idle - now)
    return max(0, int(left))


def is_background(request: HttpRequest) -> bool:
    if request.headers.get(BACKGROUND_HEADER) == "1":
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in BACKGROUND_URL_NAMES


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get(BACKGROUND_HEADER) == "1" or request.headers.get(
        "Accept", ""
    ).startswith("application/json")


def _idle_message() -> str:
    minutes = max(1, round(sessions.idle_timeout() / 60))
    return ngettext(
        "You were signed out after %(minutes)d minute without activity. Please sign in again.",
        "You were signed out after %(minutes)d minutes without activity. Please sign in again.",
        minutes,
    ) % {"minutes": minutes}


SIGNED_OUT_MESSAGES = {
    State.IDLE: _idle_message,
    State.EXPIRED: lambda: _("Your session has ended. Please sign in again."),
    State.ENDED: lambda: _("You were signed out on this device. Please sign in again."),
}


class SessionSecurityMiddleware:
    """Signs out idle, too old and ended sessions, and records a person's activity.

    Place after ``AuthenticationMiddleware`` and ``MessageMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            if request.GET.get("signed_out") == State.IDLE.value:
                self._tell_idle_sign_out(request)
            return self.get_response(request)
        if sessions.bound_elsewhere(request.session, getattr(request, "brand", None)):
            # Made on another brand's (or the platform's) host: signed out here, and left
            # intact for the host it belongs to.
            request.user = AnonymousUser()
            return self.get_response(request)
        platform = getattr(request, "portal", None) == PLATFORM
        state, row = check_session(request.session, user, with_mfa_rule=platform)
        if state is State.UNTRACKED:
            row = sessions.start_user_session(request=request, user=user)
        elif state is not State.OK or row is None:
            return self._sign_out(request, state)
        elif row.session_key_hash != sessions.hash_session_key(request.session.session_key):
            # The key was cycled within the session (e.g. update_session_auth_hash).
            row.session_key_hash = sessions.hash_session_key(request.session.session_key)
            row.save(update_fields=["session_key_hash"])
        request.user_session = row  # type: ignore[attr-defined]  # read by the sessions page
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        row = getattr(request, "user_session", None)
        if row is not None and not is_background(request):
            sessions.record_activity(request=request, row=row)
        return None

    def _tell_idle_sign_out(self, request: HttpRequest) -> None:
        """The idle warning's own sign-in page (``?signed_out=idle``) reached already signed
        out: say why, once. A background request of the page may have signed the session out
        first and its response (with the message) been dropped when the page left."""
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or request.method != "GET":
            return
        set_urlconf(getattr(request, "urlconf", None))
        if request.path != reverse("account_login"):
            return
        message = _idle_message()
        queued = messages.get_messages(request)
        already = any(str(m.message) == message for m in queued)
        if isinstance(queued, BaseStorage):
            queued.used = False  # only looked at: still shown on the page
        if not already:
            messages.info(request, message)

    def _sign_out(self, request: HttpRequest, state: State) -> HttpResponse:
        message = SIGNED_OUT_MESSAGES[state]()
        logout(request)
        messages.info(request, message)
        # Views have not run yet, so reverse() still points at the default URLconf.
        set_urlconf(getattr(request, "urlconf", None))
        login_url = reverse("account_login")
        if request.path == login_url:
            return self.get_response(request)
        if _wants_json(request):
            return JsonResponse(
                {"signed_in": False, "login_url": login_url, "detail": message}, status=401
            )
        next_path = request.get_full_path() if request.method == "GET" else ""
        url = f"{login_url}?{urlencode({'next': next_path})}" if next_path else login_url
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class WebSocketSessionGuard:
    """Channels middleware: a WebSocket of a session that is idle, too old or ended connects
    as an anonymous user (consumers then refuse it). Wrap it inside ``AuthMiddlewareStack``:
    ``AuthMiddlewareStack(WebSocketSessionGuard(URLRouter(...)))``. Connecting does not count
    as activity.

    Open sockets are checked again every ``WEBSOCKET_RECHECK_SECONDS``: once a session is
    signed out, ended elsewhere, idle or too old, or the account is disabled, the server
    closes its sockets (code 4401), so no socket outlives the right to it by more than a few
    seconds. This holds for every consumer routed through ``hale.asgi``. See ``_SocketWatch``
    for why this costs one query per period however many sockets are open.
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        from channels.db import database_sync_to_async

        user = scope.get("user")
        session = scope.get("session")
        if user is not None and session is not None:
            allowed = await database_sync_to_async(_socket_allowed)(session, user, scope)
            if not allowed:
                scope = dict(scope, user=AnonymousUser())
                user = scope["user"]
        if scope.get("type") != "websocket" or user is None or not user.is_authenticated:
            return await self.inner(scope, receive, send)
        return await _watched(self.inner, scope, receive, send, _Socket(session, user, scope, send))


SOCKET_SIGNED_OUT = 4401


class _Socket:
    """One open socket as the watch sees it: its session's row and key, and until when the
    session's own clocks (idle timeout, absolute lifetime) keep it alive without looking."""

    __slots__ = ("deadline", "key_hash", "scope", "send", "session_id", "session_key", "user_id")

    def __init__(self, session, user, scope, send):
        self.scope = scope
        self.session_key = session.session_key
        self.key_hash = sessions.hash_session_key(session.session_key)
        try:
            self.session_id: uuid.UUID | None = uuid.UUID(session.get(sessions.SESSION_ID_KEY))
        except (TypeError, ValueError):
            self.session_id = None  # signed in before session tracking: checked in full
        self.user_id = user.pk
        self.deadline = time.time() + remaining_seconds(session)
        self.send = send


class _SocketWatch:
    """Every open socket of one event loop (one server process), re-checked together.

    Checking each socket on its own would cost a few queries per socket per period (200
    sockets: 150 queries a second, queued on the one thread Django's sync code runs on, in
    front of the requests people are waiting for). Instead, each period one query asks which
    sockets' ``UserSession`` rows are still there with an active account: signing out,
    "sign out everywhere else", security changes and disabling an account all end up there.
    The session's clocks are known from when the socket opened and only move forward, so a
    socket's session is read again only once its idle or lifetime deadline has passed
    (activity on the site may have moved it on)."""

    CHUNK = 500

    def __init__(self):
        self.sockets: set[_Socket] = set()
        self.task = None

    def add(self, socket: _Socket) -> None:
        self.sockets.add(socket)
        if self.task is None:
            self.task = asyncio.ensure_future(self._run())

    def discard(self, socket: _Socket) -> None:
        self.sockets.discard(socket)

    async def _run(self) -> None:
        from channels.db import database_sync_to_async
        from django.conf import settings

        try:
            while self.sockets:
                await asyncio.sleep(settings.WEBSOCKET_RECHECK_SECONDS)
                batch = list(self.sockets)
                try:
                    ended = await database_sync_to_async(_ended)(batch)
                except Exception:  # the database is away for a moment: try again next time
                    logger.warning("Could not re-check open WebSockets", exc_info=True)
                    continue
                for socket in ended:
                    if socket in self.sockets:
                        self.sockets.discard(socket)
                        await socket.send({"type": "websocket.close", "code": SOCKET_SIGNED_OUT})
        finally:
            self.task = None


_watches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _watch() -> _SocketWatch:
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = _SocketWatch()
    return watch


async def _watched(inner, scope, receive, send, socket: _Socket):
    watch = _watch()
    accepted = False

    async def guarded_send(message):
        nonlocal accepted
        if message.get("type") == "websocket.accept" and not accepted:
            accepted = True
            watch.add(socket)
        await send(message)

    try:
        return await inner(scope, receive, guarded_send)
    finally:
        watch.discard(socket)


def _ended(batch: list[_Socket]) -> list[_Socket]:
    """The sockets of ``batch`` whose session may no longer carry on (see ``_SocketWatch``)."""
    tracked = [socket.session_id for socket in batch if socket.session_id is not None]
    alive: set[tuple] = set()
    for start in range(0, len(tracked), _SocketWatch.CHUNK):
        rows = UserSession.objects.filter(
            uuid__in=tracked[start : start + _SocketWatch.CHUNK], user__is_active=True
        )
        alive.update(rows.values_list("uuid", "user_id", "session_key_hash"))
    now = time.time()
    ended = []
    for socket in batch:
        if socket.session_id is not None and (
            (socket.session_id, socket.user_id, socket.key_hash) not in alive
        ):
            ended.append(socket)
        elif socket.session_id is None or now >= socket.deadline:
            store = _socket_session(socket.session_key, socket.user_id)
            if store is None or not _socket_allowed(store[0], store[1], socket.scope):
                ended.append(socket)
            else:
                socket.deadline = now + remaining_seconds(store[0])
    return ended


def _socket_session(session_key: str | None, user_id: int):
    """The socket's session, re-read from its store, and its active account; None once
    either is gone."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model

    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    if str(store.get("_auth_user_id", "")) != str(user_id):
        return None  # signed out: the session is gone or belongs to nobody now
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return None if user is None else (store, user)


def _socket_allowed(session, user, scope) -> bool:
    if not user.is_authenticated:
        return True
    host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
    if is_platform_host(host):
        brand = None
    else:
        brand = brand_for_host(host)
        if brand is None:
            return False
    if session.get(sessions.PORTAL_KEY, sessions.portal_key(brand)) != sessions.portal_key(brand):
        return False
    state, _row = check_session(session, user)
    return state in (State.OK, State.UNTRACKED)
