"""Journeys: a patient and their specialist pass the pre-call check and see each other in a
video call; the same through a TURN relay only; screen sharing replaces the outgoing video
and gives the camera back; a dropped signalling socket reconnects by itself, the call keeps
its video, and the session history records the reconnect.

Chromium gets a fake camera and microphone (a moving test pattern and a beep), grants them
without asking, and offers a fake screen to getDisplayMedia; host candidates carry real
addresses instead of mDNS names, so the two browsers connect directly on this machine.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hale.video.models import SessionEvent
from hale.video.testing import make_joinable_appointment
from tests.e2e.conftest import CHROMIUM_ARGS, CHROMIUM_PATH, page_factory
from tests.video_support import (
    FRAMES_DECODED,
    MISSING_TURNSERVER,
    OUTGOING_VIDEO,
    SELECTED_PAIR,
    coturn,
    turnserver_present,
)

VIDEO_ARGS = [
    *CHROMIUM_ARGS,
    "--use-fake-device-for-media-stream",  # camera: test pattern, microphone: beeps
    "--use-fake-ui-for-media-stream",  # grants camera, microphone and screen capture
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
]

CONNECTED = 20_000  # ms: ICE, DTLS and the first frames, on a busy CI machine


@pytest.fixture(scope="module")
def video_browser(_playwright) -> Iterator[Any]:
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=VIDEO_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def video_page(request, video_browser, server) -> Iterator[Callable[[], Any]]:
    """``video_page()``: a page in a fresh context of the media-faking Chromium."""
    contexts: list[Any] = []
    yield page_factory(request, video_browser, contexts)
    for context in contexts:
        context.close()


def _eventually(read: Callable[[], Any], timeout: float = 5.0) -> Any:
    """``read()`` once it returns something truthy (what the server records after it answered
    the browser), or its last value after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def _status(page):
    return page.get_by_role("status", name="Call status")


def _appointment(server, patient, specialist):
    return server.call(make_joinable_appointment, patient, specialist)


def _open_rooms(server, login, video_page, patient, specialist, appointment):
    alice = video_page()
    login(alice, server, patient.user, "calm.localhost")
    alice.goto(
        server.url(
            "calm.localhost",
            reverse("video_room", urlconf="hale.urls_brand", args=[appointment.uuid]),
        )
    )
    dana = video_page()
    login(dana, server, specialist.user, "localhost")
    dana.goto(
        server.url(
            "localhost",
            reverse("practice_video_room", urlconf="hale.urls_platform", args=[appointment.uuid]),
        )
    )
    return alice, dana


def _passes_precall_check(page) -> None:
    expect(page.get_by_role("heading", name="Check your camera and sound")).to_be_visible()
    # The fallback for a page whose script never ran is gone.
    expect(page.get_by_text("The video call could not start in this browser.")).to_be_hidden()
    page.wait_for_function(
        "() => document.getElementById('video-preview').videoWidth > 0", timeout=CONNECTED
    )
    expect(page.get_by_role("meter", name="Microphone level")).to_be_visible()
    expect(page.get_by_label("Camera", exact=True)).not_to_have_value("")
    expect(page.get_by_label("Microphone", exact=True)).not_to_have_value("")
    checks = page.get_by_role("list", name="Checks")
    expect(checks).to_contain_text("Camera and microphone: Working.")
    expect(checks).to_contain_text("Connection: Connection check passed", timeout=CONNECTED)


def _receives_video(page) -> None:
    """The remote video plays, and frames keep being decoded."""
    page.wait_for_function(
        "() => document.getElementById('video-remote').videoWidth > 0", timeout=CONNECTED
    )
    before = page.evaluate(FRAMES_DECODED)
    page.wait_for_function(
        f"async () => ({FRAMES_DECODED})().then((n) => n > {before} + 5)", timeout=CONNECTED
    )


def _in_call(page, peer_name: str) -> None:
    expect(_status(page).filter(has_text=f"You are connected to {peer_name}.")).to_be_visible(
        timeout=CONNECTED
    )
    expect(page.get_by_text(re.compile(r"^Connection quality: (Good|Fair|Poor)$"))).to_be_visible()


def test_patient_and_specialist_see_each_other_after_the_precall_check(
    server, login, video_page, patient_a, specialist, assert_accessible
):
    appointment = _appointment(server, patient_a, specialist)
    alice, dana = _open_rooms(server, login, video_page, patient_a, specialist, appointment)
    for page in (alice, dana):
        _passes_precall_check(page)
    assert_accessible(alice)
    assert_accessible(dana)

    # Dana joins first: her waiting room names the patient she expects.
    dana.get_by_role("button", name="Join now").click()
    expect(_status(dana)).to_have_text("Waiting for Alice Patient to join…")
    expect(dana.get_by_role("heading", name="Check your camera and sound")).to_be_hidden()
    alice.get_by_role("button", name="Join now").click()

    _receives_video(alice)
    _receives_video(dana)
    _in_call(alice, "Dr Dana One")
    _in_call(dana, "Alice Patient")
    controls = alice.get_by_role("group", name="Call controls")
    for name in ("Mute microphone", "Turn camera off", "Share screen", "Blur background"):
        expect(controls.get_by_role("button", name=name)).to_have_attribute("aria-pressed", "false")
    assert_accessible(alice)
    assert_accessible(dana)

    # Muting is a toggle the page announces; the outgoing audio track is silenced.
    controls.get_by_role("button", name="Mute microphone").click()
    expect(controls.get_by_role("button", name="Mute microphone")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(_status(alice)).to_have_text("Microphone muted.")
    audio_sent = "() => window.haleCall.pc.getSenders().find((s) => s.track?.kind === 'audio')"
    assert alice.evaluate(f"() => ({audio_sent})().track.enabled") is False

    # Leaving hangs up and goes back to the appointment; Dana's page says so.
    alice.get_by_role("button", name="Leave").click()
    expect(alice).not_to_have_url(re.compile(r"/video/"))
    expect(_status(dana)).to_contain_text("Alice Patient has left the call.")


@pytest.mark.service("coturn")
def test_a_call_forced_through_the_turn_relay(
    server, login, video_page, patient_a, specialist, settings
):
    if not turnserver_present():
        pytest.skip(MISSING_TURNSERVER)
    with coturn() as turn:
        # The live server runs in this process, so it renders the room with these.
        settings.VIDEO_STUN_URLS = []
        settings.VIDEO_TURN_URLS = [turn.url]
        settings.VIDEO_TURN_SECRET = turn.secret
        settings.VIDEO_ICE_TRANSPORT_POLICY = "relay"
        appointment = _appointment(server, patient_a, specialist)
        alice, dana = _open_rooms(server, login, video_page, patient_a, specialist, appointment)
        for page in (alice, dana):
            expect(page.get_by_role("list", name="Checks")).to_contain_text(
                "Connection check passed: the relay server can be reached.", timeout=CONNECTED
            )
            page.get_by_role("button", name="Join now").click()
        _receives_video(alice)
        _receives_video(dana)
        for page in (alice, dana):
            assert page.evaluate(SELECTED_PAIR) == {"local": "relay", "remote": "relay"}


def test_screen_sharing_replaces_the_camera_and_gives_it_back(
    server, login, video_page, patient_a, specialist
):
    appointment = _appointment(server, patient_a, specialist)
    alice, dana = _open_rooms(server, login, video_page, patient_a, specialist, appointment)
    for page in (alice, dana):
        _passes_precall_check(page)
        page.get_by_role("button", name="Join now").click()
    _receives_video(dana)
    camera = dana.evaluate(OUTGOING_VIDEO)
    assert camera["displaySurface"] is None

    share = dana.get_by_role("button", name="Share screen")
    share.click()
    expect(share).to_have_attribute("aria-pressed", "true")
    expect(_status(dana)).to_have_text("You are sharing your screen.")
    dana.wait_for_function(f"() => ({OUTGOING_VIDEO})().displaySurface !== null")
    shared = dana.evaluate(OUTGOING_VIDEO)
    assert shared["label"] != camera["label"]
    _receives_video(alice)  # the same receiver, now showing the screen
    # No renegotiation was needed: the sender's track was replaced in place.
    assert dana.evaluate("() => window.haleCall.pc.getSenders().length") == 2

    share.click()
    expect(share).to_have_attribute("aria-pressed", "false")
    expect(_status(dana)).to_have_text("Screen sharing stopped. Your camera is back on.")
    assert dana.evaluate(OUTGOING_VIDEO) == camera
    _receives_video(alice)


def test_a_dropped_signalling_connection_reconnects_and_the_call_goes_on(
    server, login, video_page, patient_a, specialist
):
    appointment = _appointment(server, patient_a, specialist)
    alice, dana = _open_rooms(server, login, video_page, patient_a, specialist, appointment)
    for page in (alice, dana):
        _passes_precall_check(page)
        page.get_by_role("button", name="Join now").click()
    _receives_video(alice)
    _receives_video(dana)
    pc_before = dana.evaluate_handle("() => window.haleCall.pc")

    dana.evaluate("() => window.haleCall.dropSignalling()")
    expect(_status(dana)).to_have_text("Reconnecting…")
    dana.wait_for_function("() => window.haleCall.reconnects === 1", timeout=CONNECTED)
    expect(_status(dana)).to_have_text(
        re.compile(r"^(Reconnected\.|You are connected to Alice Patient\.)$")
    )
    # The media never depended on the socket: the same connection still carries video.
    assert dana.evaluate("(before) => window.haleCall.pc === before", pc_before) is True
    _receives_video(alice)
    _receives_video(dana)

    def reconnects():
        return list(
            SessionEvent.objects.filter(
                room__appointment=appointment, kind=SessionEvent.Kind.RECONNECTED
            ).values_list("role", "user_id")
        )

    assert _eventually(lambda: server.call(reconnects)) == [("specialist", specialist.user_id)]


def test_whoever_joins_first_waits_and_a_reload_mid_call_gets_the_video_back(
    server, login, video_page, patient_a, specialist
):
    appointment = _appointment(server, patient_a, specialist)
    alice, dana = _open_rooms(server, login, video_page, patient_a, specialist, appointment)
    _passes_precall_check(alice)
    alice.get_by_role("button", name="Join now").click()
    expect(_status(alice)).to_have_text("Waiting for Dr Dana One to join…")
    _passes_precall_check(dana)
    dana.get_by_role("button", name="Join now").click()
    _receives_video(alice)
    _receives_video(dana)

    # Alice reloads: Dana's page makes a fresh connection with her new one.
    alice.reload()
    _passes_precall_check(alice)
    alice.get_by_role("button", name="Join now").click()
    _receives_video(alice)
    _receives_video(dana)
    _in_call(dana, "Alice Patient")


def test_opening_the_call_in_another_tab_disconnects_this_one(
    server, login, video_page, patient_a, specialist
):
    appointment = _appointment(server, patient_a, specialist)
    alice, _dana = _open_rooms(server, login, video_page, patient_a, specialist, appointment)
    _passes_precall_check(alice)
    alice.get_by_role("button", name="Join now").click()
    other_tab = alice.context.new_page()
    other_tab.goto(alice.url)
    expect(alice.get_by_role("alert")).to_contain_text(
        "You opened this call in another tab or window, so it was disconnected here."
    )
    expect(alice.get_by_role("button", name="Leave")).to_be_hidden()
    # It does not fight the other tab for the room, and it let go of the camera.
    alice.wait_for_timeout(2500)
    expect(other_tab.get_by_role("heading", name="Check your camera and sound")).to_be_visible()
    assert alice.evaluate("() => window.haleCall.state") == "blocked"
    assert alice.evaluate("() => document.getElementById('video-local').srcObject") is None
