"""Journeys: a patient in New York books a Madrid specialist, sees it in their zone, downloads
the .ics; the specialist sees it in the week view. And 50 concurrent bookings of one slot at
the live server (PostgreSQL only)."""

import datetime as dt
import http.client
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import formats
from playwright.sync_api import expect

from conftest import make_user
from hale.accounts.models import Patient
from hale.scheduling import actions
from hale.scheduling.models import Appointment


def _open_every_day(specialist):
    # Only specialists listed on a brand are bookable there (issue 4).
    from hale.matching.models import Listing
    from hale.tenancy.models import Brand

    for brand in Brand.objects.all():
        Listing.objects.get_or_create(brand=brand, specialist=specialist)
    for weekday in range(7):
        actions.add_weekly_rule(
            specialist=specialist,
            acting_user=specialist.user,
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(17),
        )
    return actions.save_session_type(
        specialist=specialist,
        acting_user=specialist.user,
        values={
            "name": "Therapy session",
            "duration_minutes": 50,
            "price_minor": 6000,
            "currency": "EUR",
            "modality": "video",
            "minimum_notice_minutes": 60 * 24,
            "booking_horizon_days": 30,
        },
    )


@pytest.mark.parametrize("page", [{"timezone_id": "America/New_York"}], indirect=True)
def test_patient_books_in_their_zone_and_specialist_sees_it(
    page, new_page, server, login, patient_a, specialist, assert_accessible, tmp_path
):
    specialist.credentials = "PsyD"
    specialist.save(update_fields=["credentials"])
    _open_every_day(specialist)

    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/"))
    assert_accessible(page)
    page.get_by_role("link", name="Book with Dr Dana One").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book with Dr Dana One")
    expect(page.get_by_role("main")).to_contain_text("America/New_York")
    assert_accessible(page)

    slot = page.get_by_role("main").get_by_role("link", name=re.compile(r"\d\d:\d\d$")).first
    chosen_time = slot.inner_text().strip()
    slot.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    expect(page.get_by_role("main")).to_contain_text("(America/New_York)")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("status").filter(has_text="booked")).to_contain_text(
        "Your session is booked"
    )
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Appointments").click()
    upcoming = page.get_by_role("tabpanel", name="Upcoming")
    expect(upcoming).to_contain_text("Therapy session")
    expect(upcoming).to_contain_text("Dr Dana One, PsyD")
    appointment = Appointment.objects.get()
    local = appointment.start.astimezone(ZoneInfo("America/New_York"))
    assert local.strftime("%H:%M") == chosen_time  # the slot shown was in the patient's zone
    expect(upcoming).to_contain_text(
        f"{formats.date_format(local, 'DATETIME_FORMAT')} (America/New_York)"
    )
    expect(upcoming).to_contain_text("Confirmed")
    assert_accessible(page)

    upcoming.get_by_role("link", name="Therapy session").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "appointment.ics"
    download_info.value.save_as(path)
    text = path.read_text()
    assert "BEGIN:VEVENT" in text
    assert f"DTSTART:{appointment.start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in text
    assert_accessible(page)

    # The specialist, in Madrid, finds it in the week view.
    desk = new_page(timezone_id="Europe/Madrid")
    login(desk, server, specialist.user, "localhost")
    desk.goto(server.url("localhost", "/"))
    desk.get_by_role("link", name="Schedule").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Schedule")
    day = appointment.start.astimezone(dt.UTC).date().isoformat()
    desk.goto(server.url("localhost", f"/practice/schedule/?view=week&date={day}"))
    calendar = desk.get_by_role("table")
    expect(calendar).to_contain_text("Alice Patient")
    madrid_time = appointment.start.astimezone(ZoneInfo("Europe/Madrid")).strftime("%H:%M")
    expect(calendar).to_contain_text(madrid_time)
    assert_accessible(desk)
    desk.get_by_role("link", name=re.compile("Alice Patient")).click()
    expect(desk.get_by_role("main")).to_contain_text("(Europe/Madrid)")
    assert_accessible(desk)


def test_specialist_schedule_pages_are_accessible(
    page, server, login, specialist, assert_accessible
):
    _open_every_day(specialist)
    login(page, server, specialist.user, "localhost")
    for path in [
        "/practice/schedule/?view=day",
        "/practice/schedule/?view=month",
        "/practice/schedule/session-types/",
        "/practice/schedule/availability/",
        "/practice/schedule/proposals/",
        "/practice/schedule/propose/",
    ]:
        page.goto(server.url("localhost", path))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto(server.url("localhost", "/practice/schedule/availability/"))
    weekly = page.get_by_role("region", name="Weekly hours")
    weekly.get_by_label("Day").select_option(label="Saturday")
    weekly.get_by_label("From").fill("18:00")
    weekly.get_by_label("Until").fill("20:00")
    weekly.get_by_role("button", name="Add weekly hours").click()
    expect(page.get_by_role("status").filter(has_text="saved")).to_contain_text(
        "Availability saved"
    )
    expect(page.get_by_role("region", name="Weekly hours")).to_contain_text("Saturday 18:00–20:00")


def test_patient_requests_times_specialist_proposes_patient_accepts(
    page, new_page, server, login, patient_a, specialist, assert_accessible
):
    session_type = _open_every_day(specialist)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", f"/book/{specialist.uuid}/"))
    assert_accessible(page)
    page.get_by_role("link", name="Request other times").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request times from Dr Dana One")
    assert_accessible(page)
    # Nothing chosen: a clear message, nothing sent.
    page.get_by_role("button", name="Send request").click()
    expect(
        page.get_by_text("Choose at least one day and a time range that suits you.")
    ).to_be_visible()
    first = page.get_by_role("group", name="Range 1", exact=True)
    first.get_by_label("Saturday").check()
    first.get_by_label("From").fill("09:00")
    first.get_by_label("Until").fill("12:00")
    page.get_by_label("Anything else about times").fill("Not the week of the 14th, please")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status").filter(has_text="request is sent")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for the specialist")
    assert_accessible(page)

    # The specialist finds it among the requests and proposes a time.
    desk = new_page(timezone_id="Europe/Madrid")
    login(desk, server, specialist.user, "localhost")
    desk.goto(server.url("localhost", "/practice/schedule/requests/"))
    assert_accessible(desk)
    desk.get_by_role("link", name="Alice Patient").click()
    expect(desk.get_by_role("main")).to_contain_text("Sat 09:00–12:00")
    expect(desk.get_by_role("main")).to_contain_text("Not the week of the 14th, please")
    assert_accessible(desk)
    day = (dt.datetime.now(ZoneInfo("Europe/Madrid")) + dt.timedelta(days=5)).date().isoformat()
    form = desk.get_by_role("form", name="Propose a time")
    form.get_by_label("Session type").select_option(label=str(session_type))
    form.get_by_label("Date").fill(day)
    form.get_by_label("Start time").fill("10:00")
    form.get_by_label("Patient must answer within (hours)").fill("24")
    form.get_by_role("button", name="Send proposal").click()
    expect(desk.get_by_role("status").filter(has_text="Proposal sent")).to_be_visible()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Answered")
    assert_accessible(desk)

    # The patient sees the answer on /appointments/ and accepts with one click.
    page.goto(server.url("calm.localhost", "/appointments/"))
    requests = page.get_by_role("region", name="Availability requests")
    expect(requests).to_contain_text("Answered")
    assert_accessible(page)
    requests.get_by_role("link", name="Request to Dr Dana One").click()
    assert_accessible(page)
    page.get_by_role("region", name="Proposed times").get_by_role(
        "link", name="Therapy session"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status").filter(has_text="Accepted")).to_be_visible()
    assert_accessible(page)
    appointment = Appointment.objects.get()
    assert appointment.status == "confirmed"
    assert appointment.availability_request.status == "answered"


def test_specialist_calendar_tools_are_accessible(
    page, server, login, specialist, assert_accessible
):
    _open_every_day(specialist)
    login(page, server, specialist.user, "localhost")
    for path in [
        "/practice/schedule/requests/",
        "/practice/schedule/preferences/",
        "/practice/schedule/external-calendars/",
    ]:
        page.goto(server.url("localhost", path))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto(server.url("localhost", "/practice/schedule/calendar-feed/"))
    assert_accessible(page)
    page.get_by_role("button", name="Create a calendar address").click()
    address = page.get_by_label("Calendar address", exact=True)
    expect(address).to_have_value(re.compile(r"/practice/schedule/feed/[\w-]{43}\.ics$"))
    assert_accessible(page)
    feed = page.request.get(address.input_value())
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text()


# --- 50 concurrent requests at the live server --------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
def test_fifty_concurrent_bookings_of_one_slot(server, brand_a, specialist):
    session_type = _open_every_day(specialist)
    from django.utils import timezone

    from hale.scheduling.slots import offered_slots

    now = timezone.now()
    slot = offered_slots(
        specialist,
        session_type,
        window_start=now + dt.timedelta(days=3),
        window_end=now + dt.timedelta(days=4),
        now=now,
    )[0]
    host = f"calm.localhost:{server.port}"
    path = f"/book/{specialist.uuid}/confirm/"
    query = f"?type={session_type.uuid}&start={slot.start.isoformat().replace('+', '%2B')}"

    # Fifty patients, each signed in with a CSRF token from the real confirmation page.
    prepared = []
    for n in range(50):
        user = make_user(f"rush{n}@example.com")
        Patient.objects.create(brand=brand_a, user=user, email=user.email)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("GET", path + query, headers={"Host": host, "Cookie": f"sessionid={session}"})
        response = conn.getresponse()
        html = response.read().decode()
        assert response.status == 200
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
        token = CSRF_INPUT.search(html).group(1)
        conn.close()
        prepared.append((session, csrf_cookie, token))

    barrier = threading.Barrier(len(prepared))
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def post(session, csrf_cookie, token):
        body = (
            f"csrfmiddlewaretoken={token}&type={session_type.uuid}"
            f"&start={slot.start.isoformat().replace('+', '%2B')}"
        )
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        barrier.wait()
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Host": host,
                "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        with lock:
            results.append((response.status, text))

    threads = [threading.Thread(target=post, args=args) for args in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)

    statuses = sorted(status for status, _text in results)
    assert len(results) == 50
    assert 500 not in statuses
    assert statuses.count(302) == 1
    assert statuses.count(409) == 49
    assert all(
        "This time was just taken — please choose another." in text
        for status, text in results
        if status == 409
    )
    assert Appointment.objects.filter(specialist=specialist).count() == 1
