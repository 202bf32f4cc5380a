"""Video sessions (issue 12), through the real server (uvicorn, production settings) on
loopback:

- **Join to first remote frame**: a specialist waits in the room; the patient presses
  "Join now"; the time until the patient's page shows the first frame of the specialist's
  video (``requestVideoFrameCallback`` on the remote video), over 10 calls in headless
  Chromium with fake camera and microphone — p50 and p95.
- **Signalling memory per open room**: the server process's resident memory with 100 rooms
  open (both people connected to each room's signalling socket) less its memory before,
  divided by the rooms.

The issue sets no targets for these; they are printed to be compared from run to run.
"""

import asyncio
import statistics
import time
from pathlib import Path

from bench.bench_messaging import PLATFORM_HOST, _signed_in
from bench.bench_pages import Server
from bench.common import result

BRAND_HOST = "video.localhost"
CALLS = 10
ROOMS = 100
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
]


def _people(count: int):
    from django.utils.crypto import get_random_string

    from hale.accounts.models import Patient, User
    from hale.specialists.models import Specialist
    from hale.tenancy.models import Brand, BrandDomain

    brand, _ = Brand.objects.get_or_create(
        slug="bench-video", defaults={"name": "Bench Video", "features": ["video"]}
    )
    BrandDomain.objects.get_or_create(domain=BRAND_HOST, defaults={"brand": brand})
    pairs = []
    for i in range(count):
        tag = get_random_string(6).lower()
        patient_user = User.objects.create_user(email=f"vp{i}-{tag}@bench.example")
        patient = Patient.objects.create(brand=brand, user=patient_user, email=patient_user.email)
        specialist_user = User.objects.create_user(email=f"vs{i}-{tag}@bench.example")
        specialist = Specialist.objects.create(
            user=specialist_user, display_name=f"Dr {i}", status=Specialist.Status.APPROVED
        )
        pairs.append((patient, specialist))
    return brand, pairs


def _appointment(patient, specialist):
    from hale.video import actions
    from hale.video.testing import make_joinable_appointment

    appointment = make_joinable_appointment(patient, specialist, starts_in_minutes=1)
    return appointment, actions.room_for(appointment)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def _open_rooms(port: int, sockets) -> list:
    from websockets.asyncio.client import connect

    opened = []
    for host, key, room_id in sockets:
        ws = await connect(
            f"ws://{host}/ws/video/{room_id}/",
            host="127.0.0.1",
            port=port,
            proxy=None,
            origin=f"https://{host}",
            additional_headers={"Cookie": f"sessionid={key}"},
            open_timeout=30,
        )
        await ws.recv()  # welcome
        opened.append(ws)
    await asyncio.sleep(1)
    return opened


def _memory_per_room(server, brand, pairs) -> float:
    sockets = []
    for patient, specialist in pairs:
        _appointment_row, room = _appointment(patient, specialist)
        sockets.append(
            (f"{BRAND_HOST}:{server.port}", _signed_in(patient.user, brand), room.room_id)
        )
        sockets.append(
            (f"{PLATFORM_HOST}:{server.port}", _signed_in(specialist.user, None), room.room_id)
        )

    async def scenario():
        # Warm the server (imports, first connections) before measuring.
        warm = await _open_rooms(server.port, sockets[:2])
        for ws in warm:
            await ws.close()
        await asyncio.sleep(1)
        before = _rss_kib(server.process.pid)
        opened = await _open_rooms(server.port, sockets[2:])
        after = _rss_kib(server.process.pid)
        for ws in opened:
            await ws.close()
        return (after - before) / ((len(sockets) - 2) / 2)

    return asyncio.run(scenario())


def _join_times(server, brand, pairs) -> list[float]:
    from playwright.sync_api import sync_playwright

    # Everything the database gives is made first: Playwright's sync API runs an event loop,
    # inside which Django refuses ORM calls.
    calls = []
    for patient, specialist in pairs:
        appointment, _room = _appointment(patient, specialist)
        calls.append(
            [
                (
                    PLATFORM_HOST,
                    _signed_in(specialist.user, None),
                    f"/practice/schedule/appointments/{appointment.uuid}/video/",
                ),
                (
                    BRAND_HOST,
                    _signed_in(patient.user, brand),
                    f"/appointments/{appointment.uuid}/video/",
                ),
            ]
        )
    samples = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for call in calls:
            pages = []
            for host, key, path in call:
                context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
                context.add_cookies(
                    [{"name": "sessionid", "value": key, "url": f"http://{host}:{server.port}/"}]
                )
                page = context.new_page()
                page.goto(f"http://{host}:{server.port}{path}")
                page.get_by_role("button", name="Join now").wait_for()
                pages.append(page)
            specialist_page, patient_page = pages
            specialist_page.get_by_role("button", name="Join now").click()
            patient_page.evaluate(
                """() => {
                  const video = document.getElementById("video-remote");
                  window.__firstFrame = new Promise((resolve) =>
                    video.requestVideoFrameCallback(() => resolve(performance.now())));
                }"""
            )
            started = patient_page.evaluate("() => performance.now()")
            patient_page.get_by_role("button", name="Join now").click()
            samples.append(patient_page.evaluate("() => window.__firstFrame") - started)
            for page in pages:
                page.context.close()
        browser.close()
    return samples


def _p(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def run() -> list[dict]:
    if not Path(CHROMIUM).exists():
        print("bench_video: skipped (no Chromium at /usr/bin/chromium)")
        return []
    began = time.perf_counter()
    brand, pairs = _people(CALLS + ROOMS + 1)
    with Server() as server:
        joins = _join_times(server, brand, pairs[:CALLS])
        memory = _memory_per_room(server, brand, pairs[CALLS:])
    print(f"bench_video: {CALLS} calls, {ROOMS} rooms, {time.perf_counter() - began:.0f} s")
    return [
        result("video join to first remote frame p50", _p(joins, 50), "ms", "-"),
        result("video join to first remote frame p95", _p(joins, 95), "ms", "-"),
        result("signalling memory per open room", memory, "KiB", "-"),
    ]
