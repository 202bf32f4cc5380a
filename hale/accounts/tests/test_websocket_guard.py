"""WebSockets of sessions that were signed out elsewhere (or went idle) connect as nobody."""

import time

import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from conftest import HostClient
from hale.accounts import sessions
from hale.accounts.session_security import WebSocketSessionGuard
from hale.accounts.tests.security_helpers import sign_in
from hale.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)

APP = AuthMiddlewareStack(WebSocketSessionGuard(URLRouter(websocket_urlpatterns)))


def _connects(cookie: str) -> bool:
    async def scenario():
        communicator = WebsocketCommunicator(
            APP,
            "/ws/notifications/",
            headers=[(b"host", b"calm.localhost"), (b"cookie", f"sessionid={cookie}".encode())],
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    return async_to_sync(scenario)()


def _signed_in(user) -> HostClient:
    client = HostClient("calm.localhost")
    assert sign_in(client, user.email).status_code == 302
    return client


def test_a_session_signed_out_elsewhere_cannot_open_a_websocket(patient_a):
    here = _signed_in(patient_a.user)
    there = _signed_in(patient_a.user)
    assert _connects(there.cookies["sessionid"].value)
    here.post("/account/sessions/sign-out-others/")
    assert not _connects(there.cookies["sessionid"].value)
    assert _connects(here.cookies["sessionid"].value)


@override_settings(SESSION_IDLE_TIMEOUT=600)
def test_an_idle_session_cannot_open_a_websocket(patient_a):
    client = _signed_in(patient_a.user)
    session = client.session
    session[sessions.ACTIVE_AT_KEY] = time.time() - 601
    session.save()
    assert not _connects(client.cookies["sessionid"].value)


def _closed_after(cookie: str, change) -> int | None:
    """Open a socket, make ``change``, and return the close code the server sends (None if
    it stays open for three re-check periods)."""

    async def scenario():
        from channels.db import database_sync_to_async

        communicator = WebsocketCommunicator(
            APP,
            "/ws/notifications/",
            headers=[(b"host", b"calm.localhost"), (b"cookie", f"sessionid={cookie}".encode())],
        )
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(change)()
        quiet = 0.0
        while quiet < 0.9:
            if await communicator.receive_nothing(timeout=0.1):
                quiet += 0.1
                continue
            output = await communicator.receive_output(timeout=5)
            if output["type"] == "websocket.close":
                return output.get("code")
        await communicator.disconnect()
        return None

    return async_to_sync(scenario)()


@override_settings(WEBSOCKET_RECHECK_SECONDS=0.2)
def test_signing_out_closes_an_open_websocket(patient_a):
    client = _signed_in(patient_a.user)
    cookie = client.cookies["sessionid"].value
    assert _closed_after(cookie, lambda: client.post("/accounts/logout/")) == 4401


@override_settings(WEBSOCKET_RECHECK_SECONDS=0.2)
def test_disabling_the_account_closes_an_open_websocket(patient_a):
    client = _signed_in(patient_a.user)
    user = patient_a.user

    def disable():
        user.is_active = False
        user.save(update_fields=["is_active"])

    assert _closed_after(client.cookies["sessionid"].value, disable) == 4401


def _idle_in(client, seconds: float) -> None:
    """Leave ``client``'s session ``seconds`` before its idle timeout (600 s)."""
    session = client.session
    session[sessions.ACTIVE_AT_KEY] = time.time() - 600 + seconds
    session.save()


@override_settings(WEBSOCKET_RECHECK_SECONDS=0.2, SESSION_IDLE_TIMEOUT=600)
def test_a_session_going_idle_closes_its_open_websocket(patient_a):
    client = _signed_in(patient_a.user)
    _idle_in(client, 0.3)
    assert _closed_after(client.cookies["sessionid"].value, lambda: None) == 4401


@override_settings(WEBSOCKET_RECHECK_SECONDS=0.2, SESSION_IDLE_TIMEOUT=600)
def test_activity_on_the_site_keeps_a_socket_open_past_its_first_idle_deadline(patient_a):
    client = _signed_in(patient_a.user)
    _idle_in(client, 0.3)
    # The person clicks somewhere else on the site: the idle clock restarts.
    assert _closed_after(client.cookies["sessionid"].value, lambda: _idle_in(client, 599)) is None


def test_open_sockets_are_rechecked_with_one_query_however_many(patient_a, patient_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hale.accounts.session_security import _ended, _Socket

    def sockets(user, count):
        made = []
        for _ in range(count):
            client = _signed_in(user)
            made.append(_Socket(client.session, user, {"headers": []}, None))
        return made

    few = sockets(patient_a.user, 2)
    many = few + sockets(patient_b.user, 8)
    patient_b.user.is_active = False
    patient_b.user.save(update_fields=["is_active"])
    with CaptureQueriesContext(connection) as queries:
        assert _ended(few) == []
    with CaptureQueriesContext(connection) as more_queries:
        assert _ended(many) == many[2:]
    assert len(queries) == len(more_queries) == 1


@override_settings(WEBSOCKET_RECHECK_SECONDS=0.2)
def test_a_socket_of_a_live_session_stays_open(patient_a):
    client = _signed_in(patient_a.user)
    assert _closed_after(client.cookies["sessionid"].value, lambda: None) is None
