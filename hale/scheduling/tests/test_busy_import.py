"""Busy times from external calendars, against a real HTTP server on 127.0.0.1."""

import datetime as dt
import http.server
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hale.core import stamps
from hale.notifications.models import Notification
from hale.scheduling import busy_import, busy_sync
from hale.scheduling.models import BusySource, BusyTime
from hale.scheduling.slots import offered_slots
from hale.scheduling.tasks import import_busy_source, refresh_due_busy_sources

MADRID = ZoneInfo("Europe/Madrid")


def _ics(now: dt.datetime) -> str:
    """A weekly meeting (one instance moved, one excluded), an all-day event, a free event
    and a cancelled one."""
    monday = (now + dt.timedelta(days=7 - now.weekday())).date()
    first = dt.datetime.combine(monday, dt.time(10), tzinfo=MADRID)
    excluded = first + dt.timedelta(weeks=1)
    moved_from = first + dt.timedelta(weeks=2)
    allday = monday + dt.timedelta(days=2)
    f = "%Y%m%dT%H%M%S"
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Test//EN",
            "BEGIN:VEVENT",
            "UID:weekly@test",
            f"DTSTART;TZID=Europe/Madrid:{first:{f}}",
            f"DTEND;TZID=Europe/Madrid:{first + dt.timedelta(hours=1):{f}}",
            "RRULE:FREQ=WEEKLY;COUNT=6",
            f"EXDATE;TZID=Europe/Madrid:{excluded:{f}}",
            "SUMMARY:Team meeting",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:weekly@test",
            f"RECURRENCE-ID;TZID=Europe/Madrid:{moved_from:{f}}",
            f"DTSTART;TZID=Europe/Madrid:{moved_from + dt.timedelta(hours=4):{f}}",
            f"DTEND;TZID=Europe/Madrid:{moved_from + dt.timedelta(hours=5):{f}}",
            "SUMMARY:Team meeting (moved)",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:allday@test",
            f"DTSTART;VALUE=DATE:{allday:%Y%m%d}",
            f"DTEND;VALUE=DATE:{allday + dt.timedelta(days=1):%Y%m%d}",
            "SUMMARY:Conference",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:free@test",
            f"DTSTART;TZID=Europe/Madrid:{first + dt.timedelta(days=1):{f}}",
            f"DTEND;TZID=Europe/Madrid:{first + dt.timedelta(days=1, hours=1):{f}}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:cancelled@test",
            f"DTSTART;TZID=Europe/Madrid:{first + dt.timedelta(days=3):{f}}",
            f"DTEND;TZID=Europe/Madrid:{first + dt.timedelta(days=3, hours=1):{f}}",
            "STATUS:CANCELLED",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


@pytest.fixture
def feed_server():
    """``(base_url, state)``: /good.ics, /broken.ics, /error.ics, /slow.ics, /big.ics,
    /redirect.ics (to /good.ics). ``state["good"]`` holds the good body."""
    state = {"good": _ics(timezone.now()).encode(), "hits": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            state["hits"] += 1
            if self.path == "/good.ics":
                self._send(200, state["good"])
            elif self.path == "/broken.ics":
                self._send(200, b"<html>Not a calendar</html>")
            elif self.path == "/error.ics":
                self._send(500, b"oops")
            elif self.path == "/slow.ics":
                time.sleep(3)
                self._send(200, state["good"])
            elif self.path == "/big.ics":
                self._send(200, b"X" * (300 * 1024))
            elif self.path == "/redirect.ics":
                self.send_response(302)
                self.send_header("Location", "/good.ics")
                self.end_headers()
            else:
                self._send(404, b"")

        def _send(self, status, body):
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fast_limits(settings):
    settings.ICS_IMPORT_TIMEOUT = 1
    settings.ICS_IMPORT_MAX_BYTES = 200 * 1024
    settings.ICS_IMPORT_ALLOW_PRIVATE = True


def _source(specialist, url, name="Work"):
    return BusySource.objects.create(specialist=specialist, name=name, url=url)


def test_good_feed_is_imported_with_recurrences_and_blocks_slots(
    feed_server, open_specialist, session_type
):
    base, _state = feed_server
    source = _source(open_specialist, f"{base}/good.ics")
    assert busy_sync.refresh_busy_source(source_id=source.pk) == "ok"
    source.refresh_from_db()
    assert source.last_error == "" and source.last_success_at is not None
    busy = list(BusyTime.objects.filter(busy_source=source).order_by("start"))
    local = [(b.start.astimezone(MADRID), b.end.astimezone(MADRID)) for b in busy]
    meetings = [(s, e) for s, e in local if (e - s) == dt.timedelta(hours=1)]
    # 6 weekly, minus 1 excluded; the moved one is at 14:00 instead of 10:00.
    assert len(meetings) == 5
    assert sorted({s.hour for s, _e in meetings}) == [10, 14]
    assert all(s.weekday() == 0 for s, _e in meetings)
    # The all-day event: local midnight to midnight in the specialist's zone.
    days = [(s, e) for s, e in local if (e - s) >= dt.timedelta(hours=23)]
    assert len(days) == 1 and days[0][0].time() == dt.time(0)
    # Transparent and cancelled events block nothing.
    assert source.event_count == len(busy) == 6
    # Offered slots skip the busy time.
    start, end = busy[0].start, busy[0].end
    slots = offered_slots(
        open_specialist,
        session_type,
        window_start=start - dt.timedelta(hours=3),
        window_end=end + dt.timedelta(hours=3),
        now=timezone.now(),
    )
    assert slots and not any(s.start < end and s.end > start for s in slots)


def test_reimport_replaces_the_sources_rows(feed_server, open_specialist):
    base, state = feed_server
    source = _source(open_specialist, f"{base}/good.ics")
    other = BusyTime.objects.create(
        specialist=open_specialist,
        start=timezone.now() + dt.timedelta(days=1),
        end=timezone.now() + dt.timedelta(days=1, hours=1),
        source="manual",
    )
    busy_sync.refresh_busy_source(source_id=source.pk)
    state["good"] = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"
    busy_sync.refresh_busy_source(source_id=source.pk, force=True)
    assert not BusyTime.objects.filter(busy_source=source).exists()
    assert BusyTime.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/broken.ics", "did not return a calendar"),
        ("/error.ics", "error 500"),
        ("/slow.ics", "took too long"),
        ("/big.ics", "too large"),
        ("/missing.ics", "error 404"),
    ],
)
def test_broken_feeds_are_recorded_and_notified_once_per_streak(
    feed_server, open_specialist, django_capture_on_commit_callbacks, path, message
):
    base, state = feed_server
    source = _source(open_specialist, f"{base}{path}")
    with django_capture_on_commit_callbacks(execute=True):
        assert busy_sync.refresh_busy_source(source_id=source.pk) == "failed"
        assert busy_sync.refresh_busy_source(source_id=source.pk, force=True) == "failed"
    source.refresh_from_db()
    assert message in source.last_error
    assert source.last_success_at is None and source.failure_notified
    notes = Notification.objects.filter(
        user=open_specialist.user, kind="scheduling.busy_import_failed"
    )
    assert notes.count() == 1
    # Recovery resets the streak.
    source.url = f"{base}/good.ics"
    source.save(update_fields=["url"])
    assert busy_sync.refresh_busy_source(source_id=source.pk, force=True) == "ok"
    source.refresh_from_db()
    assert source.last_error == "" and not source.failure_notified


def test_unreachable_feed_never_crashes(open_specialist):
    source = _source(open_specialist, "http://127.0.0.1:9/none.ics")  # discard port: closed
    assert busy_sync.refresh_busy_source(source_id=source.pk) == "failed"
    source.refresh_from_db()
    assert "could not be reached" in source.last_error


def test_redirects_are_followed(feed_server, open_specialist):
    base, _state = feed_server
    source = _source(open_specialist, f"{base}/redirect.ics")
    assert busy_sync.refresh_busy_source(source_id=source.pk) == "ok"


def test_private_addresses_are_refused_in_production(feed_server, open_specialist, settings):
    settings.ICS_IMPORT_ALLOW_PRIVATE = False
    base, state = feed_server
    hits = state["hits"]
    for url in (
        f"{base}/good.ics",
        "http://localhost/x.ics",
        "http://10.0.0.1/x.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x.ics",
    ):
        with pytest.raises(busy_import.ImportFailed, match="private network"):
            busy_import.fetch(url)
    assert state["hits"] == hits  # the server was never contacted


def test_only_http_and_https_addresses_are_accepted(client_for, open_specialist):
    for bad in ("ftp://example.com/x.ics", "file:///etc/passwd", "javascript:alert(1)", "x"):
        with pytest.raises(busy_import.ImportFailed):
            busy_import.normalise_url(bad)
    assert busy_import.normalise_url("webcal://example.com/a.ics") == "https://example.com/a.ics"
    client = client_for(open_specialist.user, "localhost")
    response = client.post(
        "/practice/schedule/external-calendars/", {"name": "Bad", "url": "file:///etc/passwd"}
    )
    assert response.status_code == 400
    assert not BusySource.objects.exists()


def test_page_adds_imports_and_shows_errors(
    feed_server, client_for, open_specialist, django_capture_on_commit_callbacks
):
    base, _state = feed_server
    client = client_for(open_specialist.user, "localhost")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/practice/schedule/external-calendars/", {"name": "Work", "url": f"{base}/error.ics"}
        )
    assert response.status_code == 302
    source = BusySource.objects.get()
    page = client.get("/practice/schedule/external-calendars/").content.decode()
    assert "error 500" in page  # the first import ran after commit (inline tasks in tests)
    source.url = f"{base}/good.ics"
    source.save(update_fields=["url"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/practice/schedule/external-calendars/{source.uuid}/refresh/")
    assert BusyTime.objects.filter(busy_source=source).count() == 6
    client.post(f"/practice/schedule/external-calendars/{source.uuid}/remove/")
    assert not BusySource.objects.exists() and not BusyTime.objects.exists()


def test_import_now_runs_as_a_task_and_the_page_shows_its_progress(
    feed_server, client_for, open_specialist, django_capture_on_commit_callbacks
):
    base, state = feed_server
    source = _source(open_specialist, f"{base}/good.ics", name="Clinic rota")
    client = client_for(open_specialist.user, "localhost")
    card_url = f"/practice/schedule/external-calendars/{source.uuid}/"
    hits = state["hits"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"{card_url}refresh/", follow=True)
        # Asked twice while waiting: one import, not two.
        client.post(f"{card_url}refresh/")
    assert len([c for c in queued if not stamps.is_stamp_callback(c)]) == 1
    assert state["hits"] == hits  # nothing fetched inside the request
    page = response.content.decode()
    assert "Import started." in page and "waiting for the worker" in page
    card = client.get(card_url)
    assert card.status_code == 200 and 'hx-trigger="every 2s"' in card.content.decode()
    source.refresh_from_db()
    assert source.import_state() == "queued"
    queued[0]()  # the worker runs the task
    source.refresh_from_db()
    assert source.import_state() == "idle" and source.event_count == 6
    card = client.get(card_url).content.decode()
    assert "hx-trigger" not in card and "6 busy times" in card
    assert "127.0.0.1" in card and "good.ics" not in card  # the host, never the address


def test_calendar_addresses_are_encrypted_at_rest(open_specialist):
    from django.db import connection

    secret = "https://calendar.example.com/private-0123456789abcdef/basic.ics"
    source = _source(open_specialist, secret)
    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM scheduling_busysource WHERE id = %s", [source.pk])
        (stored,) = cursor.fetchone()
    assert "private-0123456789abcdef" not in stored and "calendar.example.com" not in stored
    assert BusySource.objects.get(pk=source.pk).url == secret


def test_other_specialists_cannot_touch_a_source(
    feed_server, client_for, open_specialist, specialist_2
):
    base, _state = feed_server
    source = _source(open_specialist, f"{base}/good.ics", name="Clinic rota")
    other = client_for(specialist_2.user, "localhost")
    for what in ("refresh", "remove"):
        url = f"/practice/schedule/external-calendars/{source.uuid}/{what}/"
        assert other.post(url).status_code == 404
    assert other.get(f"/practice/schedule/external-calendars/{source.uuid}/").status_code == 404
    assert BusySource.objects.filter(pk=source.pk).exists()
    assert "Clinic rota" not in other.get("/practice/schedule/external-calendars/").content.decode()


def test_periodic_runs_claim_each_source_once_per_interval(feed_server, open_specialist):
    base, state = feed_server
    source = _source(open_specialist, f"{base}/good.ics")
    assert refresh_due_busy_sources()["ok"] == 1
    hits = state["hits"]
    # Not due again until the interval passed: a duplicate chain or cron run does nothing.
    assert refresh_due_busy_sources() == {"ok": 0, "failed": 0, "skipped": 0}
    assert import_busy_source.call(source.pk, force=False) == "skipped"
    assert state["hits"] == hits
    later = timezone.now() + busy_import.fetch_interval() + dt.timedelta(seconds=1)
    assert refresh_due_busy_sources(now=later)["ok"] == 1
