"""Calendar feed (ICS subscription), schedule preferences and changing a proposal."""

import hashlib
import re
from zoneinfo import ZoneInfo

from icalendar import Calendar

from hale.notifications.models import Notification
from hale.scheduling import actions
from hale.scheduling.models import Appointment, CalendarFeed, SchedulePreferences

HOST = "localhost"


def _new_feed_url(client) -> str:
    assert client.post("/practice/schedule/calendar-feed/create/").status_code == 302
    html = client.get("/practice/schedule/calendar-feed/").content.decode()
    match = re.search(r'value="http://[^/"]+(/practice/schedule/feed/[^"]+\.ics)"', html)
    assert match, html
    return match.group(1)


def test_feed_serves_valid_ics_with_names_hidden_by_default(
    client_for, anonymous, patient_a, open_specialist, session_type, book
):
    appointment = book(patient_a, open_specialist, session_type)
    client = client_for(open_specialist.user, HOST)
    path = _new_feed_url(client)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 256 bits, url-safe base64
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    # The URL is shown once only.
    assert token not in client.get("/practice/schedule/calendar-feed/").content.decode()

    response = anonymous(HOST).get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"appointment-{appointment.uuid}@hale"
    assert event["SEQUENCE"] == appointment.sequence
    assert event.decoded("DTSTART") == appointment.start
    assert str(event["SUMMARY"]) == "Session (video)"
    assert b"Alice" not in response.content

    # Opt in: names appear.
    actions.save_schedule_preferences(
        specialist=open_specialist,
        acting_user=open_specialist.user,
        values={"feed_shows_patient_names": True},
    )
    named = Calendar.from_ical(anonymous(HOST).get(path).content)
    assert str(next(iter(named.walk("VEVENT")))["SUMMARY"]) == "Therapy session with Alice Patient"


def test_rotated_and_revoked_tokens_answer_404(client_for, anonymous, open_specialist):
    client = client_for(open_specialist.user, HOST)
    first = _new_feed_url(client)
    second = _new_feed_url(client)  # rotate
    assert anonymous(HOST).get(first).status_code == 404
    assert anonymous(HOST).get(second).status_code == 200
    client.post("/practice/schedule/calendar-feed/revoke/")
    assert anonymous(HOST).get(second).status_code == 404
    assert anonymous(HOST).get("/practice/schedule/feed/not-a-token.ics").status_code == 404
    # Not served on brand hosts.
    assert anonymous("calm.localhost").get(second).status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_feed_page_is_404_for_patients(client_for, patient_a):
    client = client_for(patient_a.user, HOST)
    assert client.get("/practice/schedule/calendar-feed/").status_code == 404
    assert client.post("/practice/schedule/calendar-feed/create/").status_code == 404
    assert not CalendarFeed.objects.exists()


DAY = {"week_starts_on": 0, "day_starts_at": 7, "day_ends_at": 21}


def test_weeks_start_on_the_day_the_specialist_chose_and_days_show_their_hours(
    client_for, open_specialist
):
    client = client_for(open_specialist.user, HOST)
    response = client.post(
        "/practice/schedule/preferences/",
        {
            "calendar_view": "week",
            "proposal_expiry_hours": 48,
            "default_session_type": "",
            "week_starts_on": 6,
            "day_starts_at": 6,
            "day_ends_at": 22,
        },
    )
    assert response.status_code == 302
    # 2026-12-09 is a Wednesday: the week shown runs Sunday 6 to Saturday 12 December.
    page = client.get("/practice/schedule/?view=week&date=2026-12-09")
    days = page.context["days"]
    assert (days[0].isoformat(), days[-1].isoformat()) == ("2026-12-06", "2026-12-12")
    hours = [row["hour"].hour for row in page.context["rows"]]
    assert hours[0] <= 6 and hours[-1] >= 21
    month = client.get("/practice/schedule/?view=month&date=2026-12-09")
    first_week = month.context["weeks"][0]
    assert first_week[0]["date"].weekday() == 6  # a Sunday
    bad = client.post(
        "/practice/schedule/preferences/",
        {
            "calendar_view": "week",
            "proposal_expiry_hours": 48,
            "default_session_type": "",
            "week_starts_on": 3,
            "day_starts_at": 20,
            "day_ends_at": 8,
        },
    )
    assert bad.status_code == 400
    content = bad.content.decode()
    assert "The day must end after it starts." in content
    prefs = SchedulePreferences.objects.get(specialist=open_specialist)
    assert (prefs.week_starts_on, prefs.day_starts_at, prefs.day_ends_at) == (6, 6, 22)


def test_preferences_set_calendar_view_and_proposal_defaults(
    client_for, open_specialist, session_type, patient_a, book
):
    book(patient_a, open_specialist, session_type)  # a patient to propose to
    client = client_for(open_specialist.user, HOST)
    assert client.get("/practice/schedule/preferences/").status_code == 200
    response = client.post(
        "/practice/schedule/preferences/",
        {
            "calendar_view": "month",
            "proposal_expiry_hours": 12,
            "default_session_type": str(session_type.uuid),
            **DAY,
        },
    )
    assert response.status_code == 302
    prefs = SchedulePreferences.objects.get(specialist=open_specialist)
    assert (prefs.calendar_view, prefs.proposal_expiry_hours) == ("month", 12)
    assert prefs.default_session_type == session_type
    assert prefs.feed_shows_patient_names is False
    calendar = client.get("/practice/schedule/").content.decode()
    assert "calendar--month" in calendar
    # The propose form starts from the defaults.
    propose = client.get("/practice/schedule/propose/").content.decode()
    assert re.search(r'name="expires_in_hours" value="12"', propose)
    assert re.search(rf'<option value="{session_type.uuid}" selected>', propose)
    bad = client.post(
        "/practice/schedule/preferences/",
        {"calendar_view": "year", "proposal_expiry_hours": 0, "default_session_type": "", **DAY},
    )
    assert bad.status_code == 400
    prefs.refresh_from_db()
    assert prefs.calendar_view == "month"


def test_specialist_changes_a_pending_proposal_and_the_patient_is_told(
    client_for,
    patient_a,
    open_specialist,
    session_type,
    propose,
    free_slots,
    django_capture_on_commit_callbacks,
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    proposal = propose(patient_a, slots[0].start)
    new_start = slots[3].start
    local = new_start.astimezone(ZoneInfo("Europe/Madrid"))
    client = client_for(open_specialist.user, HOST)
    assert client.get(f"/practice/schedule/appointments/{proposal.uuid}/edit/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/practice/schedule/appointments/{proposal.uuid}/edit/",
            {
                "session_type": str(session_type.uuid),
                "date": local.date().isoformat(),
                "time": local.strftime("%H:%M"),
                "expires_in_hours": 30,
                "notes": "Moved an hour.",
                "version": proposal.sequence,
            },
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.start == new_start and proposal.status == "proposed"
    assert proposal.sequence == 1 and proposal.clinic_notes == "Moved an hour."
    assert proposal.events.filter(kind="changed").exists()
    assert Notification.objects.filter(
        user=patient_a.user, kind="appointment.proposal_changed"
    ).exists()


def test_an_answered_proposal_cannot_be_changed(
    client_for, patient_a, open_specialist, session_type, propose, free_slots
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    proposal = propose(patient_a, slots[0].start)
    actions.decline_proposal(appointment=proposal, acting_user=patient_a.user)
    client = client_for(open_specialist.user, HOST)
    assert client.get(f"/practice/schedule/appointments/{proposal.uuid}/edit/").status_code == 302
    try:
        actions.change_proposal(
            appointment=proposal,
            acting_user=open_specialist.user,
            start=slots[4].start,
            session_type=session_type,
            expires_in_hours=10,
        )
    except actions.SchedulingError as exc:
        assert "already been answered" in str(exc.message)
    else:
        raise AssertionError("changed a declined proposal")
    proposal.refresh_from_db()
    assert proposal.start == slots[0].start


def test_another_specialist_cannot_change_a_proposal(
    client_for, patient_a, open_specialist, specialist_2, session_type, propose, free_slots
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    proposal = propose(patient_a, slots[0].start)
    other = client_for(specialist_2.user, HOST)
    url = f"/practice/schedule/appointments/{proposal.uuid}/edit/"
    assert other.get(url).status_code == 404
    assert other.post(url, {"expires_in_hours": 5}).status_code == 404
    assert Appointment.objects.get(pk=proposal.pk).sequence == 0
