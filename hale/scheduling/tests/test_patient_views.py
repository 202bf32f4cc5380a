"""Patient pages on the brand host: list, booking, detail, cancel, reschedule, proposals, .ics."""

import datetime as dt
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from hale.scheduling import actions
from hale.scheduling.models import Appointment, BookingPolicy
from hale.scheduling.windows import TimeWindow
from tests.html import page_structure

CALM = "calm.localhost"
NORTH = "northside.localhost"


def test_appointment_list_shows_details_in_the_patients_zone(
    client_for, patient_a, open_specialist, session_type, book
):
    patient_a.user.time_zone = "America/New_York"
    patient_a.user.save(update_fields=["time_zone"])
    open_specialist.credentials = "PsyD"
    open_specialist.save(update_fields=["credentials"])
    appointment = book(patient_a, open_specialist, session_type)
    response = client_for(patient_a.user, CALM).get("/appointments/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Therapy session" in html and "Dr Dana One" in html and "PsyD" in html
    assert "(America/New_York)" in html
    local = appointment.start.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert str(local.day) in html
    assert "Confirmed" in html and "50 minutes" in html


def test_appointment_list_has_one_clean_title_and_unique_ids(
    client_for, patient_a, open_specialist, session_type, book
):
    book(patient_a, open_specialist, session_type)
    actions.request_availability(
        patient=patient_a,
        specialist=open_specialist,
        acting_user=patient_a.user,
        windows=[TimeWindow((0, 1, 2, 3, 4), dt.time(18), dt.time(21))],
        preferred_times="Weekday evenings",
    )
    response = client_for(patient_a.user, CALM).get("/appointments/")
    page = page_structure(response.content.decode())
    assert len(page.titles) == 1
    assert page.titles[0].startswith("Appointments ·")
    assert "<" not in page.titles[0] and not page.tags_in_title
    assert page.duplicate_ids == []
    assert "requests-heading" in page.ids


def test_appointment_list_query_count_is_constant(
    client_for, patient_a, open_specialist, session_type, free_slots, book
):
    client = client_for(patient_a.user, CALM)
    book(patient_a, open_specialist, session_type)
    client.get("/appointments/")  # warm up: the first request of a session does more
    with CaptureQueriesContext(connection) as one:
        client.get("/appointments/")
    for slot in free_slots(open_specialist, session_type, days_ahead=8, days=3)[::4][:6]:
        book(patient_a, open_specialist, session_type, slot)
    assert Appointment.objects.count() >= 5
    with CaptureQueriesContext(connection) as many:
        client.get("/appointments/")
    assert len(many.captured_queries) == len(one.captured_queries)


def _many(appointment, count: int, *, past: bool) -> None:
    """``count`` copies of ``appointment``, an hour apart, in the future or the past."""
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    step = dt.timedelta(hours=-1 if past else 1)
    first = base + (dt.timedelta(hours=-2) if past else dt.timedelta(days=40))
    copies = []
    for n in range(count):
        start = first + n * step
        copy = Appointment.objects.get(pk=appointment.pk)
        copy.pk, copy.uuid = None, uuid.uuid4()
        copy.start, copy.end = start, start + dt.timedelta(minutes=50)
        copy.status = "completed" if past else "confirmed"
        copies.append(copy)
    Appointment.objects.bulk_create(copies)


def test_appointment_lists_show_a_screenful_with_show_more(
    client_for, patient_a, open_specialist, session_type, book
):
    booked = book(patient_a, open_specialist, session_type)
    _many(booked, 44, past=False)
    _many(booked, 30, past=True)
    client = client_for(patient_a.user, CALM)
    page = client.get("/appointments/").content.decode()
    upcoming, past = page.split('id="past-heading"')
    assert upcoming.count('class="card appointment') == 20
    assert "?upcoming=40&amp;tab=upcoming#upcoming-heading" in upcoming
    assert "?past=40&amp;tab=past#past-heading" in past
    more = client.get("/appointments/?upcoming=40").content.decode()
    upcoming = more.split('id="past-heading"')[0]
    assert upcoming.count('class="card appointment') == 40 and "upcoming=60" in upcoming
    # The last screenful has no "Show more"; the other list keeps its place in the link.
    last = client.get("/appointments/?upcoming=60&past=40").content.decode()
    upcoming, past = last.split('id="past-heading"')
    assert upcoming.count('class="card appointment') == 45 and "Show more upcoming" not in upcoming
    assert past.count('class="card appointment') == 30 and "Show more past" not in past
    # Garbled or huge counts are clamped, never an error.
    assert client.get("/appointments/?upcoming=abc&past=-5").status_code == 200
    huge = client.get("/appointments/?upcoming=999999").content.decode()
    assert huge.split('id="past-heading"')[0].count('class="card appointment') == 45


def test_booking_page_lists_slots_and_booking_confirms(
    client_for, patient_a, open_specialist, session_type, free_slots
):
    client = client_for(patient_a.user, CALM)
    page = client.get(f"/book/{open_specialist.uuid}/?type={session_type.uuid}")
    assert page.status_code == 200
    assert "Choose a time" in page.content.decode()
    slot = free_slots(open_specialist, session_type)[0]
    confirm = client.get(
        f"/book/{open_specialist.uuid}/confirm/",
        {"type": str(session_type.uuid), "start": slot.start.isoformat()},
    )
    assert confirm.status_code == 200 and "Confirm booking" in confirm.content.decode()
    response = client.post(
        f"/book/{open_specialist.uuid}/confirm/",
        {"type": str(session_type.uuid), "start": slot.start.isoformat()},
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{appointment.uuid}/"
    # The same slot again: a clear message, not a 500.
    again = client.post(
        f"/book/{open_specialist.uuid}/confirm/",
        {"type": str(session_type.uuid), "start": slot.start.isoformat()},
    )
    assert again.status_code == 409
    assert "This time was just taken" in again.content.decode()
    assert Appointment.objects.count() == 1


def test_booking_needs_a_patient_of_this_brand(
    client_for, patient_b, open_specialist, session_type
):
    response = client_for(patient_b.user, CALM).get(f"/book/{open_specialist.uuid}/")
    assert response.status_code == 404


def test_booking_an_unapproved_specialist_is_404(client_for, patient_a, open_specialist):
    open_specialist.status = "submitted"
    open_specialist.save(update_fields=["status"])
    assert client_for(patient_a.user, CALM).get(f"/book/{open_specialist.uuid}/").status_code == 404


def test_another_patients_appointment_is_404_and_unchanged(
    client_for, patient_a, patient_b, open_specialist, session_type, book, brand_a
):
    appointment = book(patient_a, open_specialist, session_type)
    from hale.accounts.models import Patient

    # patient_b's user, also a patient on calm: still not their appointment.
    Patient.objects.create(brand=brand_a, user=patient_b.user, email=patient_b.user.email)
    other = client_for(patient_b.user, CALM)
    base = f"/appointments/{appointment.uuid}/"
    assert other.get(base).status_code == 404
    assert other.get(base + "calendar.ics").status_code == 404
    assert other.post(base + "cancel/", {"reason": "x"}).status_code == 404
    # The right patient on the wrong brand's host.
    assert client_for(patient_a.user, NORTH).get(base).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_cancel_from_the_page_with_reason(
    client_for, patient_a, open_specialist, session_type, book
):
    appointment = book(patient_a, open_specialist, session_type)
    client = client_for(patient_a.user, CALM)
    empty = client.post(f"/appointments/{appointment.uuid}/cancel/", {"reason": ""})
    assert empty.status_code == 400
    response = client.post(
        f"/appointments/{appointment.uuid}/cancel/",
        {"reason": "Travel", "version": appointment.sequence},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancellation_reason == "Travel"


def test_reschedule_blocked_by_policy_explains_it(
    client_for, patient_a, open_specialist, session_type, book
):
    BookingPolicy.objects.create(brand=patient_a.brand, cancellation_notice_hours=24 * 5)
    appointment = book(patient_a, open_specialist, session_type)
    client = client_for(patient_a.user, CALM)
    detail = client.get(f"/appointments/{appointment.uuid}/").content.decode()
    assert "late cancellation" in detail
    page = client.get(f"/appointments/{appointment.uuid}/reschedule/")
    assert "up to 120 hours before" in page.content.decode()


def test_reschedule_through_the_page(
    client_for, patient_a, open_specialist, session_type, free_slots, book
):
    slots = free_slots(open_specialist, session_type)
    appointment = book(patient_a, open_specialist, session_type, slots[0])
    client = client_for(patient_a.user, CALM)
    assert client.get(f"/appointments/{appointment.uuid}/reschedule/").status_code == 200
    response = client.post(
        f"/appointments/{appointment.uuid}/reschedule/",
        {"start": slots[-1].start.isoformat(), "version": appointment.sequence},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == slots[-1].start


def test_ics_download(client_for, patient_a, open_specialist, session_type, book):
    appointment = book(patient_a, open_specialist, session_type)
    response = client_for(patient_a.user, CALM).get(
        f"/appointments/{appointment.uuid}/calendar.ics"
    )
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.start
    assert event.decoded("dtend") == appointment.end
    assert "Dr Dana One" in str(event["summary"])


def test_accept_proposal_with_one_click(client_for, patient_a, open_specialist, session_type, book):
    book(patient_a, open_specialist, session_type, days_ahead=2)
    proposal = actions.propose_appointment(
        specialist=open_specialist,
        patient=patient_a,
        session_type=session_type,
        start=(timezone.now() + dt.timedelta(days=9)).replace(minute=0, second=0, microsecond=0),
        expires_in_hours=48,
        acting_user=open_specialist.user,
    )
    client = client_for(patient_a.user, CALM)
    detail = client.get(f"/appointments/{proposal.uuid}/").content.decode()
    assert "Please answer before" in detail
    client.post(f"/appointments/{proposal.uuid}/accept/", {"version": proposal.sequence})
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"


def test_home_lists_bookable_specialists_and_nav_links(client_for, patient_a, open_specialist):
    html = client_for(patient_a.user, CALM).get("/").content.decode()
    assert f"/book/{open_specialist.uuid}/" in html
    assert 'href="/appointments/"' in html


def test_anonymous_is_sent_to_sign_in(anonymous, brand_a):
    response = anonymous(CALM).get("/appointments/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_opens_on_the_tab_the_url_names(client_for, patient_a):
    client = client_for(patient_a.user, CALM)
    page = client.get("/appointments/").content.decode()
    assert 'id="panel-upcoming" aria-labelledby="upcoming-heading" data-tab-selected' in page
    assert 'id="panel-past" aria-labelledby="past-heading">' in page
    page = client.get("/appointments/?tab=past").content.decode()
    assert 'id="panel-past" aria-labelledby="past-heading" data-tab-selected' in page
    assert 'id="panel-upcoming" aria-labelledby="upcoming-heading">' in page
    # Anything else opens the upcoming tab.
    page = client.get("/appointments/?tab=<script>").content.decode()
    assert 'aria-labelledby="upcoming-heading" data-tab-selected' in page
