"""The page cache: a repeated request for a cacheable page is answered from memory only while
its session, its person's session row, the tables it read and the clock all say it still
holds; everything else renders afresh.

These tests run with real commits (``transaction=True``): stamps change after a commit."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hale.accounts import pagecache, sessions
from hale.accounts.models import UserSession
from hale.dashboards.tests.test_specialist_dashboard import past_session
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist

pytestmark = pytest.mark.django_db(transaction=True)

CALM = "calm.localhost"
NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def booked(patient_a, specialist):
    return past_session(patient_a, specialist, -2, Appointment.Status.CONFIRMED)  # 2 days ahead


def _get(client, path="/"):
    """The answer, and whether it came from memory (in which case no query ran on the
    request's connection: the checks use the page cache's own on SQLite)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    from_memory = response.get(pagecache.HIT_HEADER) == "hit"
    if from_memory and connection.vendor == "sqlite":
        assert ctx.captured_queries == []
    return response, from_memory


def _warm(client, path="/"):
    """The first request teaches the process the page is cacheable, the second is kept."""
    for _ in range(2):
        response, _ = _get(client, path)
        assert response.status_code == 200


def test_a_repeated_page_is_answered_from_memory_with_a_fresh_nonce(client_for, patient_a, booked):
    client = client_for(patient_a.user, CALM)
    _warm(client)
    first, _ = _get(client)
    second, from_memory = _get(client)
    assert from_memory
    assert "Therapy session" in second.content.decode()
    body_nonces = set(NONCE.findall(second.content.decode()))
    assert len(body_nonces) == 1
    nonce = body_nonces.pop()
    assert f"'nonce-{nonce}'" in second["Content-Security-Policy"]
    assert nonce not in first.content.decode()  # a new one for each answer
    assert NONCE.sub("", first.content.decode()) == NONCE.sub("", second.content.decode())
    assert second["Cache-Control"] == "no-store"


@pytest.mark.parametrize("how", ["update", "save", "delete"])
def test_a_write_to_a_table_the_page_read_renders_it_afresh(client_for, patient_a, booked, how):
    client = client_for(patient_a.user, CALM)
    _warm(client)
    if how == "update":  # no signals: the statement itself is seen
        Appointment.objects.filter(pk=booked.pk).update(session_name="Moved session")
    elif how == "save":
        booked.session_name = "Moved session"
        booked.save(update_fields=["session_name"])
    else:
        booked.delete()
    response, from_memory = _get(client)
    assert not from_memory
    page = response.content.decode()
    assert "Therapy session" not in page
    assert ("Moved session" in page) is (how != "delete")


def test_an_uncommitted_write_changes_nothing_until_it_commits(patient_a, booked):
    from hale.core import stamps

    before = stamps.versions(["scheduling_appointment"])
    with transaction.atomic():
        Appointment.objects.filter(pk=booked.pk).update(session_name="Later")
        assert stamps.versions(["scheduling_appointment"]) == before
    assert stamps.versions(["scheduling_appointment"]) != before


def test_a_signed_out_session_is_never_answered_from_memory(
    client_for, patient_a, booked, anonymous
):
    client = client_for(patient_a.user, CALM)
    _warm(client)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    stolen = anonymous(CALM)
    stolen.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    stolen.cookies["csrftoken"] = client.cookies["csrftoken"].value
    response, _ = _get(stolen)
    assert "Therapy session" not in response.content.decode()


def test_a_session_ended_elsewhere_signs_out_as_usual(client_for, patient_a, booked):
    client = client_for(patient_a.user, CALM)
    _warm(client)
    UserSession.objects.filter(user=patient_a.user).delete()
    response, _ = _get(client)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_changed_session_renders_afresh(client_for, patient_a, booked):
    client = client_for(patient_a.user, CALM)
    _warm(client)
    session = client.session
    session["something"] = "new"
    session.save()
    _, from_memory = _get(client)
    assert not from_memory


def test_the_minute_ends_the_entry(client_for, patient_a, booked, monkeypatch):
    client = client_for(patient_a.user, CALM)
    _warm(client)
    later = time.time() + 61
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    _, from_memory = _get(client)
    assert not from_memory


def test_due_activity_is_recorded_by_rendering_afresh(client_for, patient_a, booked):
    client = client_for(patient_a.user, CALM)
    _warm(client)
    session = client.session
    session[sessions.ACTIVE_AT_KEY] = time.time() - sessions.ACTIVITY_RESOLUTION - 1
    session.save()
    seen = UserSession.objects.get(user=patient_a.user).last_seen_at
    _get(client)
    assert UserSession.objects.get(user=patient_a.user).last_seen_at != seen


def test_nobody_else_gets_the_answer(client_for, patient_a, patient_b, booked, brand_b):
    mine = client_for(patient_a.user, CALM)
    _warm(mine)
    theirs = client_for(patient_b.user, "northside.localhost")
    response, _ = _get(theirs)
    assert "Therapy session" not in response.content.decode()
    # The same session cookie on another brand's host: another key, and signed out there.
    elsewhere = client_for(patient_a.user, CALM)
    elsewhere.defaults["HTTP_HOST"] = "northside.localhost"
    response, _ = _get(elsewhere)
    assert "Therapy session" not in response.content.decode()


def test_pages_that_did_not_opt_in_are_never_kept(client_for, patient_a):
    client = client_for(patient_a.user, CALM)
    for _ in range(3):
        _, from_memory = _get(client, "/account/")
        assert not from_memory


def test_an_answer_that_wrote_or_changed_the_session_is_not_kept(client_for, patient_a, booked):
    client = client_for(patient_a.user, CALM)
    _get(client)  # learns the page; tracking the force_login session writes its row
    session = client.session
    session[sessions.ACTIVE_AT_KEY] = 0
    session.save()
    _get(client)  # records activity (a write): not kept
    _, from_memory = _get(client)
    assert not from_memory  # so this one rendered; the next is answered from memory
    _, from_memory = _get(client)
    assert from_memory


def test_the_specialist_calendar_follows_a_new_booking(client_for, specialist, patient_a, booked):
    Specialist.objects.filter(pk=specialist.pk).update(status=Specialist.Status.APPROVED)
    client = client_for(specialist.user, "localhost")
    path = f"/practice/schedule/?view=week&date={booked.start.date():%Y-%m-%d}"
    _warm(client, path)
    assert "Alice Patient" in client.get(path).content.decode()
    Appointment.objects.filter(pk=booked.pk).update(status=Appointment.Status.CANCELLED)
    response, from_memory = _get(client, path)
    assert not from_memory
