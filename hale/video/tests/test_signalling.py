"""The signalling WebSocket: only the appointment's patient (on its brand's host) and its
specialist (on the platform host) get in, only inside the join window and once nothing
refuses; messages go to the other participant only; a second tab replaces the first; signing
out closes it. And the room page and TURN credentials."""

import base64
import datetime as dt
import hashlib
import hmac

import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.utils import timezone

from conftest import HostClient, make_user
from hale.accounts.models import Patient
from hale.accounts.session_security import WebSocketSessionGuard
from hale.accounts.tests.security_helpers import sign_in
from hale.routing import websocket_urlpatterns
from hale.scheduling import hooks
from hale.scheduling.hooks import Refusal
from hale.scheduling.models import Appointment
from hale.video import actions, ice
from hale.video.models import SessionEvent, VideoRoom
from hale.video.testing import make_joinable_appointment

pytestmark = pytest.mark.django_db(transaction=True)

APP = AuthMiddlewareStack(WebSocketSessionGuard(URLRouter(websocket_urlpatterns)))
CALM, PLATFORM = "calm.localhost", "localhost"


def _cookie(user, host) -> str:
    client = HostClient(host)
    assert sign_in(client, user.email).status_code == 302
    return client.cookies["sessionid"].value


def _socket(room_id: str, cookie: str, host: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        APP,
        f"/ws/video/{room_id}/",
        headers=[(b"host", host.encode()), (b"cookie", f"sessionid={cookie}".encode())],
    )


def _close_code(room_id, cookie, host):
    async def scenario():
        ws = _socket(room_id, cookie, host)
        connected, code = await ws.connect()
        if connected:
            await ws.disconnect()
            return "open"
        return code

    return async_to_sync(scenario)()


@pytest.fixture
def appointment(patient_a, specialist):
    return make_joinable_appointment(patient_a, specialist)


@pytest.fixture
def room(appointment):
    return actions.room_for(appointment)


def test_the_two_participants_meet_and_messages_reach_only_the_other(room, patient_a, specialist):
    patient_cookie = _cookie(patient_a.user, CALM)
    specialist_cookie = _cookie(specialist.user, PLATFORM)

    async def scenario():
        patient = _socket(room.room_id, patient_cookie, CALM)
        assert (await patient.connect())[0]
        welcome = await patient.receive_json_from()
        assert welcome == {
            "type": "welcome",
            "role": "patient",
            "polite": True,
            "peer_present": False,
        }
        doctor = _socket(room.room_id, specialist_cookie, PLATFORM)
        assert (await doctor.connect())[0]
        assert (await doctor.receive_json_from())["polite"] is False
        assert await patient.receive_json_from() == {"type": "peer-joined", "role": "specialist"}
        assert await doctor.receive_json_from() == {"type": "peer-joined", "role": "patient"}
        offer = {"description": {"type": "offer", "sdp": "v=0 ..."}}
        await doctor.send_json_to({"type": "signal", "data": offer})
        assert await patient.receive_json_from() == {"type": "signal", "data": offer}
        assert await doctor.receive_nothing(timeout=0.2)  # not echoed back
        await patient.send_json_to({"type": "event", "name": "reconnected"})
        await patient.send_json_to({"type": "leave"})
        assert await doctor.receive_json_from() == {"type": "peer-left", "role": "patient"}
        await doctor.disconnect()

    async_to_sync(scenario)()
    kinds = list(SessionEvent.objects.values_list("role", "kind"))
    assert ("patient", "joined") in kinds and ("specialist", "joined") in kinds
    assert ("patient", "reconnected") in kinds and ("patient", "left") in kinds


def test_anyone_else_is_refused_at_the_socket(room, patient_a, specialist, specialist_2, brand_a):
    other = Patient.objects.create(
        brand=brand_a, user=make_user("other@example.com"), email="other@example.com"
    )
    assert _close_code(room.room_id, _cookie(other.user, CALM), CALM) == 4404
    assert _close_code(room.room_id, _cookie(specialist_2.user, PLATFORM), PLATFORM) == 4404
    # The right people on the wrong host, an unknown room, nobody signed in.
    # (a session made on the platform host counts as signed out on a brand host)
    assert _close_code(room.room_id, _cookie(specialist.user, PLATFORM), CALM) == 4401
    assert _close_code(room.room_id, _cookie(patient_a.user, CALM), PLATFORM) == 4401
    assert _close_code("x" * 32, _cookie(patient_a.user, CALM), CALM) == 4404
    assert _close_code(room.room_id, "nope", CALM) == 4401
    assert not SessionEvent.objects.exists()


def test_outside_the_join_window_the_socket_is_refused(room, appointment, patient_a):
    cookie = _cookie(patient_a.user, CALM)
    early = timezone.now() + dt.timedelta(minutes=30)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=early, end=early + dt.timedelta(minutes=50)
    )
    assert _close_code(room.room_id, cookie, CALM) == 4408
    over = timezone.now() - dt.timedelta(minutes=20)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=over - dt.timedelta(minutes=50), end=over
    )
    assert _close_code(room.room_id, cookie, CALM) == 4408
    Appointment.objects.filter(pk=appointment.pk).update(status="cancelled")
    assert _close_code(room.room_id, cookie, CALM) == 4403


def test_a_requirement_such_as_a_consent_refuses_the_socket(room, patient_a):
    def refuse(*, appointment, user):
        return Refusal(message="Sign first", url="/consents/", action="Sign")

    hooks.join_refusal.connect(refuse)
    try:
        assert _close_code(room.room_id, _cookie(patient_a.user, CALM), CALM) == 4403
    finally:
        hooks.join_refusal.disconnect(refuse)


def test_a_second_tab_replaces_the_first(room, patient_a):
    cookie = _cookie(patient_a.user, CALM)

    async def scenario():
        first = _socket(room.room_id, cookie, CALM)
        assert (await first.connect())[0]
        await first.receive_json_from()
        second = _socket(room.room_id, cookie, CALM)
        assert (await second.connect())[0]
        closed = await first.receive_output()
        assert closed == {"type": "websocket.close", "code": 4409}
        await second.disconnect()

    async_to_sync(scenario)()


@override_settings(WEBSOCKET_RECHECK_SECONDS=0.2)
def test_signing_out_closes_the_room_socket(room, patient_a):
    client = HostClient(CALM)
    sign_in(client, patient_a.user.email)
    cookie = client.cookies["sessionid"].value

    async def scenario():
        from channels.db import database_sync_to_async

        ws = _socket(room.room_id, cookie, CALM)
        assert (await ws.connect())[0]
        await ws.receive_json_from()
        await database_sync_to_async(client.post)("/accounts/logout/")
        for _ in range(30):
            output = await ws.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                return output.get("code")
        return None

    assert async_to_sync(scenario)() == 4401
    assert _close_code(room.room_id, cookie, CALM) == 4401  # and stays closed


@override_settings(
    VIDEO_TURN_SECRET="s3cret",
    VIDEO_TURN_TTL_SECONDS=600,
    VIDEO_TURN_URLS=["turn:turn.example:3478"],
    VIDEO_STUN_URLS=["stun:s:3478"],
)
def test_turn_credentials_follow_the_rest_scheme(patient_a):
    config = ice.ice_config(patient_a.user)
    stun, turn = config["iceServers"]
    assert stun == {"urls": ["stun:s:3478"]}
    expiry, user_id = turn["username"].split(":")
    assert int(user_id) == patient_a.user.pk
    assert 590 <= int(expiry) - timezone.now().timestamp() <= 600
    expected = hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(expected).decode()


def test_room_pages_join_when_open_and_say_when_otherwise(
    appointment, patient_a, specialist, specialist_2, client_for
):
    patient = client_for(patient_a.user, CALM)
    page = patient.get(f"/appointments/{appointment.uuid}/video/")
    assert page.status_code == 200
    body = page.content.decode()
    room = VideoRoom.objects.get(appointment=appointment)
    assert f"/ws/video/{room.room_id}/" in body and 'id="video-ice-config"' in body
    detail = patient.get(f"/appointments/{appointment.uuid}/").content.decode()
    assert f"/appointments/{appointment.uuid}/video/" in detail and ">Join<" in detail
    doctor = client_for(specialist.user)
    assert (
        doctor.get(f"/practice/schedule/appointments/{appointment.uuid}/video/").status_code == 200
    )
    assert (
        client_for(specialist_2.user)
        .get(f"/practice/schedule/appointments/{appointment.uuid}/video/")
        .status_code
        == 404
    )
    later = timezone.now() + dt.timedelta(hours=2)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=later, end=later + dt.timedelta(minutes=50)
    )
    early = patient.get(f"/appointments/{appointment.uuid}/video/")
    assert early.status_code == 409 and "The room opens at" in early.content.decode()
    assert "/ws/video/" not in early.content.decode()


def test_both_home_pages_offer_join_while_the_room_is_open(
    appointment, patient_a, specialist, client_for
):
    home = client_for(patient_a.user, CALM).get("/").content.decode()
    assert "Your video session is open" in home
    assert f"/appointments/{appointment.uuid}/video/" in home
    practice = client_for(specialist.user).get("/").content.decode()
    assert f"/practice/schedule/appointments/{appointment.uuid}/video/" in practice
    later = timezone.now() + dt.timedelta(hours=3)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=later, end=later + dt.timedelta(minutes=50)
    )
    assert (
        "Your video session is open"
        not in client_for(patient_a.user, CALM).get("/").content.decode()
    )


def test_the_calendar_offers_join_for_an_open_room_only(appointment, specialist, client_for):
    page = (
        client_for(specialist.user)
        .get("/practice/schedule/", {"view": "week", "date": appointment.start.date().isoformat()})
        .content.decode()
    )
    assert f"/practice/schedule/appointments/{appointment.uuid}/video/" in page
    later = timezone.now() + dt.timedelta(hours=3)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=later, end=later + dt.timedelta(minutes=50)
    )
    page = (
        client_for(specialist.user)
        .get("/practice/schedule/", {"view": "week", "date": later.date().isoformat()})
        .content.decode()
    )
    assert f"/appointments/{appointment.uuid}/video/" not in page
