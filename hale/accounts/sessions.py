"""Active sessions: one ``UserSession`` row per signed-in browser session.

The rows are the authority: ``hale.accounts.session_security.SessionSecurityMiddleware``
signs a session out at its next request when its row is gone. So ending sessions — "sign out
everywhere else", a password change, adding or removing an authenticator — is deleting rows,
and it works with any session backend without ever keeping a usable session key: the session
holds its row's ``uuid``, the row holds the SHA-256 of the session key.

Why not delete the sessions from the session store directly? With database sessions that
needs the raw key, which we refuse to store; with cache or signed-cookie sessions it is not
possible at all. A signed-out session's store entry is removed when it next shows up (the
middleware flushes it) or when it expires (``clearsessions``). Password changes are doubly
covered: Django's session auth hash ends the other sessions too.

Event hooks (Django's ``user_logged_in`` / ``user_logged_out`` and allauth's password and
authenticator signals) are connected in ``AccountsConfig.ready`` and only call the plain
functions below.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import User, UserSession
from hale.core import audit
from hale.core.http import client_ip, user_agent

# Keys in request.session.
SESSION_ID_KEY = "_hale_user_session"
AUTH_AT_KEY = "_hale_auth_at"
ACTIVE_AT_KEY = "_hale_active_at"
# The portal a session was made on ("platform" or "brand:<id>"): elsewhere it is signed out.
PORTAL_KEY = "_hale_portal"

# last_seen_at / the activity stamp move at most this often (seconds).
ACTIVITY_RESOLUTION = 60


def hash_session_key(key: str | None) -> str:
    return hashlib.sha256((key or "").encode()).hexdigest()


def portal_key(brand) -> str:
    """What a session is bound to: the brand whose host it was made on, or the platform."""
    return "platform" if brand is None else f"brand:{brand.pk}"


def bound_elsewhere(session, brand) -> bool:
    """Whether ``session`` was made on another portal than ``brand``'s (None: the platform
    host). Every sign-in binds its session (``start_user_session``); one made without a
    request through the portal middleware (a test client's ``force_login``) is not bound."""
    bound = session.get(PORTAL_KEY)
    return bound is not None and bound != portal_key(brand)


def _host(request: HttpRequest) -> str:
    try:
        return request.get_host().rsplit(":", 1)[0][:253]
    except (KeyError, DisallowedHost):  # a bare HttpRequest (test client force_login)
        return ""


def purge_dead_sessions(*, user: User) -> int:
    """Delete rows of sessions that cannot be alive any more (past the absolute lifetime, or
    idle past the timeout). They are never listed; this keeps the table small."""
    deleted, _ = UserSession.objects.filter(_dead(), user=user).delete()
    return deleted


def _dead() -> Q:
    """Sessions past the absolute lifetime or idle past the timeout."""
    now = timezone.now()
    dead = Q(created_at__lt=now - timedelta(seconds=absolute_lifetime()))
    idle = idle_timeout()
    if idle:
        # last_seen_at lags real activity by up to ACTIVITY_RESOLUTION.
        dead |= Q(last_seen_at__lt=now - timedelta(seconds=idle + ACTIVITY_RESOLUTION))
    return dead


def idle_timeout() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 0) or 0)


def absolute_lifetime() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_LIFETIME", settings.SESSION_COOKIE_AGE))


@transaction.atomic
def start_user_session(*, request: HttpRequest, user: User) -> UserSession:
    """Record a sign-in: a new row for this session, and the sign-in time in the session
    (the absolute lifetime counts from it, however often the cookie is renewed)."""
    session = request.session
    if not session.session_key:
        session.save()
    purge_dead_sessions(user=user)
    previous = current_session_id(request)
    if previous is not None:
        # Signing in again within the same session.
        UserSession.objects.filter(uuid=previous).delete()
    now = time.time()
    row = UserSession.objects.create(
        user=user,
        session_key_hash=hash_session_key(session.session_key),
        ip_address=client_ip(request),
        user_agent=user_agent(request, 300),
        host=_host(request),
        brand=getattr(request, "brand", None),
    )
    session[SESSION_ID_KEY] = str(row.uuid)
    if hasattr(request, "portal"):  # a real request (not a test client's force_login)
        session[PORTAL_KEY] = portal_key(row.brand)
    session[AUTH_AT_KEY] = now
    session[ACTIVE_AT_KEY] = now
    return row


def end_user_session(*, request: HttpRequest) -> None:
    """Sign-out: forget this session's row."""
    session_id = getattr(request, "session", {}).get(SESSION_ID_KEY)
    if session_id:
        UserSession.objects.filter(uuid=session_id).delete()


def current_session_id(request: HttpRequest) -> uuid.UUID | None:
    value = getattr(request, "session", {}).get(SESSION_ID_KEY)
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@transaction.atomic
def end_other_sessions(
    *, user: User, acting_user: User | None, request: HttpRequest | None, reason: str
) -> int:
    """Sign ``user`` out of every session but the one making ``request`` (when that request
    is the user's own). Each ended session is refused at its next request. Returns how many
    sessions were ended."""
    others = UserSession.objects.filter(user=user)
    keep = None
    if request is not None and getattr(request.user, "pk", None) == user.pk:
        keep = current_session_id(request)
    if keep is not None and request is not None:
        others = others.exclude(uuid=keep)
        # The key may just have been cycled (update_session_auth_hash): keep the hash current.
        UserSession.objects.filter(uuid=keep, user=user).update(
            session_key_hash=hash_session_key(request.session.session_key)
        )
    ended, _ = others.delete()
    audit.record(acting_user, "account.sessions_ended", user, count=ended, reason=reason)
    return ended


def session_row(
    *, session_id: uuid.UUID, user_id: int, with_mfa_rule: bool = False
) -> UserSession | None:
    """The session's row, or None once the session was ended.

    ``with_mfa_rule`` (the platform host, where brands' two-factor rules apply): the same
    query also tells ``hale.accounts.mfa_policy`` whether any brand requires two-factor
    authentication and whether this user has a second factor, so a signed-in request costs
    one query here, whatever the rules."""
    rows = UserSession.objects.filter(uuid=session_id, user_id=user_id)
    if with_mfa_rule:
        from allauth.mfa.models import Authenticator

        from hale.accounts.mfa_policy import SECOND_FACTORS
        from hale.tenancy.models import Brand

        rows = rows.annotate(
            any_brand_requires_mfa=Exists(
                Brand.objects.filter(
                    Q(require_mfa_for_staff=True) | Q(require_mfa_for_specialists=True),
                    is_active=True,
                )
            ),
            has_second_factor=Exists(
                Authenticator.objects.filter(user_id=OuterRef("user_id"), type__in=SECOND_FACTORS)
            ),
        )
    return rows.first()


def sessions_for(user: User) -> list[UserSession]:
    """The user's live sessions, most recently active first (one query)."""
    rows = UserSession.objects.filter(user=user).exclude(_dead()).select_related("brand")
    return list(rows.order_by("-last_seen_at", "-id"))


def record_activity(*, request: HttpRequest, row: UserSession, force: bool = False) -> bool:
    """Note that the person did something: the idle clock restarts. Writes (the session and
    the row) at most once per ACTIVITY_RESOLUTION seconds unless ``force``."""
    session = request.session
    now = time.time()
    last = session.get(ACTIVE_AT_KEY) or 0
    if not force and now - last < ACTIVITY_RESOLUTION:
        return False
    session[ACTIVE_AT_KEY] = now
    fields: dict[str, object] = {"last_seen_at": timezone.now()}
    if not row.host:
        # A row made without a real request (a test client's force_login).
        fields["host"] = _host(request)
        fields["brand"] = getattr(request, "brand", None)
    ip = client_ip(request)
    if ip and ip != row.ip_address:
        fields["ip_address"] = ip
    agent = user_agent(request, 300)
    if agent and agent != row.user_agent:
        fields["user_agent"] = agent
    UserSession.objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(row, name, value)
    return True


# --- How a session looks in the list -------------------------------------------------------


@dataclass(frozen=True)
class Device:
    browser: str
    system: str

    def __str__(self) -> str:
        if self.browser and self.system:
            return _("%(browser)s on %(system)s") % {
                "browser": self.browser,
                "system": self.system,
            }
        return self.browser or self.system or str(_("Unknown device"))


# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("HeadlessChrome/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Windows", "Windows"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
]


def describe_user_agent(user_agent: str) -> Device:
    """A plain description ("Firefox on Windows") from a User-Agent header; deliberately
    simple: it only helps a person recognise their own devices."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    return Device(browser=browser, system=system)


# --- Event hooks (connected in AccountsConfig.ready) -----------------------------------------


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_user_session(request=request, user=user)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        end_user_session(request=request)


def _security_change(reason: str):
    def receiver(sender, request=None, user=None, **kwargs) -> None:
        user = user or getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        acting = request.user if request is not None else user
        end_other_sessions(user=user, acting_user=acting, request=request, reason=reason)

    receiver.__name__ = f"end_other_sessions_on_{reason}"
    return receiver


on_password_changed = _security_change("password_changed")
on_password_set = _security_change("password_set")
on_password_reset = _security_change("password_reset")
on_authenticator_added = _security_change("authenticator_added")
on_authenticator_removed = _security_change("authenticator_removed")
on_authenticator_reset = _security_change("authenticator_reset")


def connect_signals() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth import signals as auth_signals

    uid = "hale.accounts.sessions"
    auth_signals.user_logged_in.connect(on_user_logged_in, dispatch_uid=f"{uid}.in")
    auth_signals.user_logged_out.connect(on_user_logged_out, dispatch_uid=f"{uid}.out")
    for signal, receiver in [
        (account_signals.password_changed, on_password_changed),
        (account_signals.password_set, on_password_set),
        (account_signals.password_reset, on_password_reset),
        (mfa_signals.authenticator_added, on_authenticator_added),
        (mfa_signals.authenticator_removed, on_authenticator_removed),
        (mfa_signals.authenticator_reset, on_authenticator_reset),
    ]:
        signal.connect(receiver, dispatch_uid=f"{uid}.{receiver.__name__}")
