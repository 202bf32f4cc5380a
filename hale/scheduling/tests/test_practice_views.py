"""Specialist schedule pages on the platform host."""

import datetime as dt

import pytest
from django.utils import timezone

from hale.scheduling.models import Appointment, DateOverride, OneOffSlot, SessionType, WeeklyRule

HOST = "localhost"


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_calendar_views_show_appointments_and_open_hours(
    client_for, patient_a, open_specialist, session_type, book, view
):
    appointment = book(patient_a, open_specialist, session_type)
    date = appointment.start.astimezone(dt.UTC).date().isoformat()
    response = client_for(open_specialist.user, HOST).get(
        f"/practice/schedule/?view={view}&date={date}"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Patient" in html
    assert "calendar__open" in html
    assert '<th scope="col">' in html


def test_schedule_is_404_for_patients_and_unapproved_specialists(
    client_for, patient_a, specialist_2
):
    assert client_for(patient_a.user, HOST).get("/practice/schedule/").status_code == 404
    specialist_2.status = "draft"
    specialist_2.save(update_fields=["status"])
    assert client_for(specialist_2.user, HOST).get("/practice/schedule/").status_code == 404


def test_session_type_create_and_edit(client_for, specialist):
    client = client_for(specialist.user, HOST)
    data = {
        "name": "Intro call",
        "duration_minutes": 30,
        "price": "45.50",
        "currency": "usd",
        "modality": "phone",
        "location": "",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 5,
        "minimum_notice_minutes": 120,
        "booking_horizon_days": 30,
        "is_active": "on",
    }
    assert client.post("/practice/schedule/session-types/", data).status_code == 302
    created = SessionType.objects.get(specialist=specialist)
    assert (created.price_minor, created.currency) == (4550, "USD")
    bad = client.post(
        "/practice/schedule/session-types/", {**data, "modality": "in_person", "location": ""}
    )
    assert bad.status_code == 400 and "need a location" in bad.content.decode()
    edit = client.post(
        f"/practice/schedule/session-types/{created.uuid}/", {**data, "name": "Intro"}
    )
    assert edit.status_code == 302
    created.refresh_from_db()
    assert created.name == "Intro"


def test_another_specialists_session_type_is_404(client_for, session_type, specialist_2):
    response = client_for(specialist_2.user, HOST).get(
        f"/practice/schedule/session-types/{session_type.uuid}/"
    )
    assert response.status_code == 404


def test_availability_editor_adds_and_removes(client_for, specialist):
    client = client_for(specialist.user, HOST)
    url = "/practice/schedule/availability/"
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "kind": "weekly",
            "weekly-weekday": 2,
            "weekly-start_time": "09:00",
            "weekly-end_time": "13:00",
        },
    )
    assert r.status_code == 302
    rule = WeeklyRule.objects.get(specialist=specialist)
    assert (rule.weekday, rule.start_time) == (2, dt.time(9))
    bad = client.post(
        url,
        {
            "kind": "weekly",
            "weekly-weekday": 2,
            "weekly-start_time": "13:00",
            "weekly-end_time": "09:00",
        },
    )
    assert bad.status_code == 400
    client.post(
        url, {"kind": "override", "override-date": "2030-01-02", "override-kind": "day_off"}
    )
    assert DateOverride.objects.get(specialist=specialist).is_whole_day
    client.post(
        url,
        {
            "kind": "oneoff",
            "oneoff-date": "2030-01-03",
            "oneoff-start_time": "18:00",
            "oneoff-end_time": "19:00",
        },
    )
    one_off = OneOffSlot.objects.get(specialist=specialist)
    # 18:00 in Madrid in winter is 17:00 UTC.
    assert one_off.start == dt.datetime(2030, 1, 3, 17, tzinfo=dt.UTC)
    client.post(
        url,
        {
            "kind": "break",
            "break-weekday": 2,
            "break-start_time": "11:00",
            "break-end_time": "11:30",
        },
    )
    removed = client.post(
        "/practice/schedule/availability/remove/", {"kind": "weekly", "id": rule.pk}
    )
    assert removed.status_code == 302
    assert not WeeklyRule.objects.filter(specialist=specialist).exists()


def test_removing_another_specialists_rule_is_404(client_for, open_specialist, specialist_2):
    rule = open_specialist.weekly_rules.first()
    response = client_for(specialist_2.user, HOST).post(
        "/practice/schedule/availability/remove/", {"kind": "weekly", "id": rule.pk}
    )
    assert response.status_code == 404
    assert WeeklyRule.objects.filter(pk=rule.pk).exists()


def test_propose_track_and_withdraw(client_for, patient_a, open_specialist, session_type, book):
    book(patient_a, open_specialist, session_type, days_ahead=2)
    client = client_for(open_specialist.user, HOST)
    day = (timezone.now() + dt.timedelta(days=10)).date()
    response = client.post(
        "/practice/schedule/propose/",
        {
            "patient": str(patient_a.uuid),
            "session_type": str(session_type.uuid),
            "date": day.isoformat(),
            "time": "18:00",
            "expires_in_hours": 48,
            "notes": "Evening works?",
        },
    )
    assert response.status_code == 302
    proposal = Appointment.objects.get(status="proposed")
    assert proposal.clinic_notes == "Evening works?"
    tracked = client.get("/practice/schedule/proposals/").content.decode()
    assert "Alice Patient" in tracked and "Proposed" in tracked
    client.post(
        f"/practice/schedule/appointments/{proposal.uuid}/withdraw/",
        {"version": proposal.sequence},
    )
    proposal.refresh_from_db()
    assert proposal.status == "cancelled"


def test_another_specialists_appointment_is_404(
    client_for, patient_a, open_specialist, session_type, book, specialist_2
):
    appointment = book(patient_a, open_specialist, session_type)
    other = client_for(specialist_2.user, HOST)
    assert other.get(f"/practice/schedule/appointments/{appointment.uuid}/").status_code == 404
    assert (
        other.post(
            f"/practice/schedule/appointments/{appointment.uuid}/cancel/", {"reason": "x"}
        ).status_code
        == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_specialist_cancels_and_writes_notes(
    client_for, patient_a, open_specialist, session_type, book
):
    appointment = book(patient_a, open_specialist, session_type)
    client = client_for(open_specialist.user, HOST)
    page = client.get(f"/practice/schedule/appointments/{appointment.uuid}/")
    assert page.status_code == 200 and "History" in page.content.decode()
    client.post(
        f"/practice/schedule/appointments/{appointment.uuid}/notes/", {"notes": "Bring a diary"}
    )
    client.post(
        f"/practice/schedule/appointments/{appointment.uuid}/cancel/",
        {"reason": "Ill", "version": appointment.sequence},
    )
    appointment.refresh_from_db()
    assert appointment.clinic_notes == "Bring a diary"
    assert appointment.status == "cancelled" and not appointment.cancelled_late
