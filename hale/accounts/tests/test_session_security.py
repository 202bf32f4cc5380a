"""Sessions: a new key at sign-in, idle timeout, absolute lifetime, ended sessions, active
sessions list, sign out everywhere else, password changes, reauthentication."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

from conftest import PASSWORD, HostClient
from hale.accounts import sessions
from hale.accounts.models import UserSession
from hale.accounts.tests.security_helpers import reauthenticate, sign_in
from hale.core.models import AuditEvent

CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"


def signed_in(user, host="calm.localhost", agent=CHROME_MAC, ip="203.0.113.7") -> HostClient:
    """A client that signed in through the real sign-in form."""
    client = HostClient(host, HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = sign_in(client, user.email)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def shift_session(client, **seconds_ago):
    """Move the session's sign-in / activity stamps into the past."""
    session = client.session
    now = time.time()
    for name, ago in seconds_ago.items():
        session[{"auth": sessions.AUTH_AT_KEY, "active": sessions.ACTIVE_AT_KEY}[name]] = now - ago
    session.save()


# --- Sign-in -------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(patient_a):
    client = HostClient("calm.localhost")
    client.get("/accounts/login/")
    client.session.save()  # an anonymous session exists before signing in
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    sign_in(client, patient_a.user.email)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after
    assert not SessionStore().exists(before)


def test_signing_in_records_the_session_without_its_key(patient_a):
    client = signed_in(patient_a.user)
    row = UserSession.objects.get(user=patient_a.user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert row.session_key_hash == sessions.hash_session_key(key)
    assert key not in row.session_key_hash
    assert row.ip_address == "203.0.113.7"
    assert row.host == "calm.localhost"
    assert row.brand == patient_a.brand
    assert client.session[sessions.SESSION_ID_KEY] == str(row.uuid)


def test_signing_out_forgets_the_session(patient_a):
    client = signed_in(patient_a.user)
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=patient_a.user).exists()


# --- Idle timeout and absolute lifetime -----------------------------------------------------


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_an_idle_session_is_signed_out_with_a_message(patient_a):
    client = signed_in(patient_a.user)
    shift_session(client, auth=1900, active=1801)
    response = client.get("/account/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=%2Faccount%2F"
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=patient_a.user).exists()


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_a_session_used_recently_carries_on(patient_a):
    client = signed_in(patient_a.user)
    shift_session(client, auth=1900, active=1700)
    assert client.get("/account/").status_code == 200
    assert time.time() - client.session[sessions.ACTIVE_AT_KEY] < 5


@override_settings(SESSION_IDLE_TIMEOUT=1800, SESSION_ABSOLUTE_LIFETIME=3600)
def test_a_session_ends_after_its_absolute_lifetime_however_active(patient_a):
    client = signed_in(patient_a.user)
    shift_session(client, auth=3601, active=10)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_background_polling_does_not_count_as_activity(patient_a):
    client = signed_in(patient_a.user)
    shift_session(client, auth=1000, active=900)
    stamp = client.session[sessions.ACTIVE_AT_KEY]
    row = UserSession.objects.get(user=patient_a.user)
    assert client.get("/notifications/unread-count/").status_code == 200
    status = client.get("/account/session/status/")
    assert status.json()["signed_in"] is True
    assert 890 <= status.json()["remaining"] <= 900
    client.get("/account/", HTTP_X_HALE_BACKGROUND="1")
    assert client.session[sessions.ACTIVE_AT_KEY] == stamp
    assert UserSession.objects.get(pk=row.pk).last_seen_at == row.last_seen_at
    # A page the person opens does count.
    client.get("/account/")
    assert client.session[sessions.ACTIVE_AT_KEY] > stamp
    assert UserSession.objects.get(pk=row.pk).last_seen_at > row.last_seen_at


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_stay_signed_in_restarts_the_idle_clock(patient_a):
    client = signed_in(patient_a.user)
    shift_session(client, auth=1790, active=1750)
    response = client.post("/account/session/keepalive/")
    assert response.status_code == 200
    assert response.json()["remaining"] >= 1795


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_background_requests_of_an_idle_session_get_401_json(patient_a):
    client = signed_in(patient_a.user)
    shift_session(client, auth=2000, active=1900)
    response = client.get("/account/session/status/", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["login_url"] == "/accounts/login/"


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_the_idle_pages_sign_in_link_says_why_when_a_background_request_signed_out_first(
    patient_a,
):
    # The page's bell poll signed the idle session out; its response (carrying the message)
    # was dropped as the page left for the sign-in page with the old cookie.
    client = signed_in(patient_a.user)
    shift_session(client, auth=2000, active=1900)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get("/account/session/status/", HTTP_ACCEPT="application/json")
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    client.cookies.pop("messages", None)
    page = client.get("/accounts/login/?next=%2Faccount%2F&signed_out=idle").content.decode()
    assert page.count("signed out after 30 minutes without activity") == 1


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_the_idle_message_is_shown_once_when_the_sign_in_request_itself_signs_out(patient_a):
    client = signed_in(patient_a.user)
    shift_session(client, auth=2000, active=1900)
    page = client.get("/accounts/login/?next=%2Faccount%2F&signed_out=idle").content.decode()
    assert page.count("signed out after 30 minutes without activity") == 1


def test_a_visitor_who_never_signed_in_is_not_told_they_were_signed_out(db):
    page = HostClient("calm.localhost").get("/accounts/login/?signed_out=idle").content.decode()
    assert "without activity" not in page


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_activity_writes_happen_at_most_once_a_minute(patient_a):
    client = signed_in(patient_a.user)
    client.get("/account/sessions/")
    row = UserSession.objects.get(user=patient_a.user)
    client.get("/account/sessions/")
    assert UserSession.objects.get(pk=row.pk).last_seen_at == row.last_seen_at


def test_pages_carry_the_idle_warning_for_signed_in_people(client_for, patient_a, anonymous):
    html = client_for(patient_a.user, "calm.localhost").get("/account/").content.decode()
    assert '<dialog id="session-timeout"' in html
    assert 'data-idle-seconds="1800"' in html
    assert "js/session-timeout.js" in html
    assert "session-timeout" not in anonymous("calm.localhost").get("/help/").content.decode()


# --- Active sessions, sign out everywhere else ----------------------------------------------


def test_sessions_list_shows_only_your_own_sessions(patient_a, patient_b, specialist):
    mine = signed_in(patient_a.user, agent=CHROME_MAC)
    signed_in(patient_a.user, host="localhost", agent=FIREFOX_WINDOWS, ip="198.51.100.2")
    signed_in(patient_b.user, host="northside.localhost", ip="192.0.2.99")
    signed_in(specialist.user, host="localhost", ip="192.0.2.98")
    response = mine.get("/account/sessions/")
    html = response.content.decode()
    assert len(response.context["rows"]) == 2
    assert "Chrome on macOS" in html
    assert "Firefox on Windows" in html
    assert "Calm Minds (calm.localhost)" in html
    assert "198.51.100.2" in html
    assert html.count("This device") == 1
    assert "192.0.2.99" not in html and "192.0.2.98" not in html
    # Never a session key, not even hashed.
    for row in UserSession.objects.all():
        assert row.session_key_hash not in html


def test_sessions_list_query_count_does_not_grow(patient_a, django_assert_max_num_queries):
    client = signed_in(patient_a.user)
    client.get("/account/sessions/")
    for _ in range(5):
        signed_in(patient_a.user, host="localhost")
    with django_assert_max_num_queries(12):
        response = client.get("/account/sessions/")
    assert len(response.context["rows"]) == 6


def test_sign_out_everywhere_else_ends_the_other_sessions(patient_a, patient_b):
    here = signed_in(patient_a.user)
    phone = signed_in(patient_a.user, agent=FIREFOX_WINDOWS)
    platform = signed_in(patient_a.user, host="localhost")
    bystander = signed_in(patient_b.user, host="northside.localhost")

    response = here.post("/account/sessions/sign-out-others/", follow=True)
    assert "signed out everywhere else" in response.content.decode()
    assert UserSession.objects.filter(user=patient_a.user).count() == 1

    assert here.get("/account/").status_code == 200
    for other in (phone, platform):
        response = other.get("/account/", follow=True)
        assert "You were signed out on this device" in response.content.decode()
        assert "_auth_user_id" not in other.session
    assert bystander.get("/account/").status_code == 200
    assert AuditEvent.objects.filter(action="account.sessions_ended").exists()


def test_sign_out_everywhere_else_is_post_only(client_for, patient_a):
    client = client_for(patient_a.user, "calm.localhost")
    assert client.get("/account/sessions/sign-out-others/").status_code == 405


def test_an_ended_session_cannot_open_a_websocket(patient_a):
    from hale.accounts.session_security import _socket_allowed

    client = signed_in(patient_a.user)
    other = signed_in(patient_a.user, host="localhost")
    session = other.session
    assert _socket_allowed(session, patient_a.user, PLATFORM_SCOPE)
    client.post("/account/sessions/sign-out-others/")
    assert not _socket_allowed(SessionStore(session.session_key), patient_a.user, PLATFORM_SCOPE)


PLATFORM_SCOPE = {"headers": [(b"host", b"localhost:8000")]}


def test_a_websocket_on_another_host_than_the_sessions_is_anonymous(patient_a, brand_b):
    from hale.accounts.session_security import _socket_allowed

    session = signed_in(patient_a.user, host="calm.localhost").session
    assert _socket_allowed(session, patient_a.user, {"headers": [(b"host", b"calm.localhost")]})
    for host in (b"northside.localhost", b"localhost", b"unknown.example"):
        assert not _socket_allowed(session, patient_a.user, {"headers": [(b"host", host)]})


# --- Password -------------------------------------------------------------------------------


def test_changing_the_password_signs_out_every_other_session(patient_a):
    here = signed_in(patient_a.user)
    there = signed_in(patient_a.user, host="localhost")
    response = here.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase-9",
            "password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert here.get("/account/").status_code == 200
    assert UserSession.objects.filter(user=patient_a.user).count() == 1
    assert there.get("/account/").status_code == 302
    assert "_auth_user_id" not in there.session


@pytest.mark.parametrize("weak", ["short1", "password123", "1234567890123", "patient.a.example"])
def test_a_weak_new_password_is_refused(client_for, patient_a, weak):
    client = client_for(patient_a.user, "calm.localhost")
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": weak, "password2": weak},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    patient_a.user.refresh_from_db()
    assert patient_a.user.check_password(PASSWORD)


# --- Reauthentication -----------------------------------------------------------------------


def test_adding_an_email_address_asks_for_the_password_again(patient_a):
    client = signed_in(patient_a.user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "alice.new@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="alice.new@example.com").exists()

    assert reauthenticate(client).status_code == 302
    client.post("/accounts/email/", {"action_add": "", "email": "alice.new@example.com"})
    assert EmailAddress.objects.filter(user=patient_a.user, email="alice.new@example.com").exists()


def test_setting_up_two_factor_asks_for_the_password_again(patient_a):
    client = signed_in(patient_a.user)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def _with_cookies_of(client, host: str) -> HostClient:
    """Another host, carrying ``client``'s cookies (as a shared cookie domain or a copied
    cookie would)."""
    other = HostClient(host)
    other.cookies = client.cookies
    return other


@pytest.mark.parametrize("other_host", ["northside.localhost", "localhost"])
def test_a_session_made_on_one_brand_is_signed_out_on_another_host(patient_a, brand_b, other_host):
    client = signed_in(patient_a.user, host="calm.localhost")
    elsewhere = _with_cookies_of(client, other_host)

    response = elsewhere.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "sessionid" not in response.cookies or response.cookies["sessionid"].value
    # Left intact for the host it belongs to.
    assert client.get("/account/").status_code == 200
    assert UserSession.objects.filter(user=patient_a.user).count() == 1


def test_a_session_made_on_the_platform_host_is_signed_out_on_a_brand_host(staff_a, brand_a):
    client = signed_in(staff_a, host="localhost")
    assert client.get("/account/").status_code == 200
    response = _with_cookies_of(client, "calm.localhost").get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/account/").status_code == 200


def test_signing_in_binds_the_session_to_its_brand(patient_a):
    client = signed_in(patient_a.user, host="calm.localhost")
    assert client.session[sessions.PORTAL_KEY] == f"brand:{patient_a.brand_id}"
