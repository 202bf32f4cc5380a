"""Availability requests: patient asks, specialist proposes or declines, unanswered expire."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conftest import make_user
from hale.accounts.models import Patient
from hale.notifications.models import Notification
from hale.scheduling import actions, expiry
from hale.scheduling.models import Appointment, AvailabilityRequest, BookingPolicy
from hale.scheduling.windows import TimeWindow

BRAND_HOST = "calm.localhost"


def _request(patient, specialist, **extra):
    return actions.request_availability(
        patient=patient,
        specialist=specialist,
        acting_user=patient.user,
        windows=extra.pop("windows", [TimeWindow((0, 1, 2, 3, 4), dt.time(18), dt.time(21))]),
        preferred_times=extra.pop("preferred_times", ""),
        **extra,
    )


def test_patient_request_notifies_specialist_in_app_and_by_email(
    client_for, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
):
    client = client_for(patient_a.user, BRAND_HOST)
    url = f"/book/{open_specialist.uuid}/request/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "session_type": str(session_type.uuid),
                "window1_days": ["1"],
                "window1_from": "18:00",
                "window1_to": "21:00",
                "preferred_times": "Not the week of the 14th",
                "message": "I work days.",
            },
        )
    item = AvailabilityRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/requests/{item.uuid}/"
    assert (item.patient, item.specialist, item.session_type) == (
        patient_a,
        open_specialist,
        session_type,
    )
    assert item.status == "open"
    # Default response window: 48 hours.
    assert abs(item.expires_at - (timezone.now() + dt.timedelta(hours=48))) < dt.timedelta(
        minutes=1
    )
    note = Notification.objects.get(user=open_specialist.user, kind="availability.requested")
    assert item.windows() == [TimeWindow((1,), dt.time(18), dt.time(21))]
    assert item.preferred_zone == "Europe/London"  # the brand's zone: the viewer set none
    assert "Tue 18:00–21:00 (Europe/London)" in note.body
    assert "Not the week of the 14th" in note.body
    assert note.url == f"/practice/schedule/requests/{item.uuid}/"
    assert [m.to for m in mail.outbox] == [[open_specialist.user.email]]
    # The patient sees it on /appointments/ with its status.
    listing = client.get("/appointments/").content.decode()
    assert "Request to Dr Dana One" in listing and "Waiting for the specialist" in listing
    # The specialist sees it in the practice UI.
    desk = client_for(open_specialist.user, "localhost").get("/practice/schedule/requests/")
    assert "Alice Patient" in desk.content.decode()


def test_blank_preferred_times_is_refused_and_nothing_is_created(
    client_for, patient_a, open_specialist
):
    client = client_for(patient_a.user, BRAND_HOST)
    response = client.post(f"/book/{open_specialist.uuid}/request/", {"preferred_times": "  "})
    assert response.status_code == 400
    assert "Choose at least one day and a time range that suits you." in response.content.decode()
    assert not AvailabilityRequest.objects.exists()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"window1_from": "18:00", "window1_to": "21:00"}, "Choose at least one day."),
        ({"window1_days": ["2"], "window1_to": "21:00"}, "Enter the earliest time"),
        (
            {"window1_days": ["2"], "window1_from": "21:00", "window1_to": "18:00"},
            "The end time must be after the start time.",
        ),
        ({"window1_days": ["9"], "window1_from": "09:00", "window1_to": "10:00"}, "valid choice"),
        (
            {
                "window1_days": ["1"],
                "window1_from": "09:00",
                "window1_to": "10:00",
                "window2_days": ["3"],
            },
            "Enter the earliest time",
        ),
    ],
)
def test_bad_time_ranges_are_refused_with_a_message_and_nothing_is_created(
    client_for, patient_a, open_specialist, posted, message
):
    client = client_for(patient_a.user, BRAND_HOST)
    response = client.post(f"/book/{open_specialist.uuid}/request/", posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AvailabilityRequest.objects.exists()


def test_several_ranges_in_the_patients_zone_reach_the_specialist(
    client_for, patient_a, open_specialist, django_capture_on_commit_callbacks
):
    patient_a.user.time_zone = "America/New_York"
    patient_a.user.save(update_fields=["time_zone"])
    client = client_for(patient_a.user, BRAND_HOST)
    form = client.get(f"/book/{open_specialist.uuid}/request/").content.decode()
    assert "(America/New_York)" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/book/{open_specialist.uuid}/request/",
            {
                "window1_days": ["0", "1", "2", "3", "4"],
                "window1_from": "07:30",
                "window1_to": "09:00",
                "window3_days": ["5", "6"],
                "window3_from": "10:00",
                "window3_to": "13:00",
            },
        )
    assert response.status_code == 302
    item = AvailabilityRequest.objects.get()
    assert item.preferred_zone == "America/New_York"
    assert (
        item.preferred_summary() == "Mon–Fri 07:30–09:00; Sat, Sun 10:00–13:00 (America/New_York)"
    )
    page = client_for(open_specialist.user, "localhost").get(
        f"/practice/schedule/requests/{item.uuid}/"
    )
    html = page.content.decode()
    assert "Mon–Fri 07:30–09:00" in html and "Sat, Sun 10:00–13:00" in html
    assert "In America/New_York" in html


def test_the_action_checks_ranges_too(patient_a, open_specialist):
    for windows, message in [
        ([], "at least one day"),
        ([TimeWindow((), dt.time(9), dt.time(10))], "at least one day for each"),
        ([TimeWindow((1,), dt.time(10), dt.time(9))], "end after it starts"),
        ([TimeWindow((1,), dt.time(9), dt.time(10))] * 4, "at most 3"),
    ]:
        with pytest.raises(actions.SchedulingError, match=message):
            _request(patient_a, open_specialist, windows=windows)
    with pytest.raises(actions.SchedulingError, match="time zone"):
        _request(patient_a, open_specialist, time_zone="Mars/Olympus")
    assert not AvailabilityRequest.objects.exists()


def test_requests_from_before_ranges_show_their_text(patient_a, open_specialist):
    item = _request(patient_a, open_specialist)
    AvailabilityRequest.objects.filter(pk=item.pk).update(
        preferred_windows=[], preferred_zone="", preferred_times="Weekday evenings"
    )
    item.refresh_from_db()
    assert item.preferred_summary() == "Weekday evenings"


def test_one_open_request_per_patient_and_specialist(patient_a, open_specialist):
    _request(patient_a, open_specialist)
    with pytest.raises(actions.SchedulingError, match="already have a request"):
        _request(patient_a, open_specialist)
    assert AvailabilityRequest.objects.count() == 1


def test_response_window_comes_from_brand_policy(patient_a, open_specialist, brand_a):
    BookingPolicy.objects.create(brand=brand_a, request_response_hours=6)
    item = _request(patient_a, open_specialist)
    assert abs(item.expires_at - (timezone.now() + dt.timedelta(hours=6))) < dt.timedelta(minutes=1)


def test_specialist_answers_by_proposing_and_patient_accepts(
    client_for,
    patient_a,
    open_specialist,
    session_type,
    free_slots,
    django_capture_on_commit_callbacks,
):
    item = _request(patient_a, open_specialist)
    desk = client_for(open_specialist.user, "localhost")
    page = desk.get(f"/practice/schedule/requests/{item.uuid}/")
    assert page.status_code == 200
    assert "Mon–Fri 18:00–21:00" in page.content.decode()
    slot = free_slots(open_specialist, session_type, days_ahead=4)[0]
    local = slot.start.astimezone(ZoneInfo("Europe/Madrid"))
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            f"/practice/schedule/requests/{item.uuid}/",
            {
                "patient": str(patient_a.uuid),
                "session_type": str(session_type.uuid),
                "date": local.date().isoformat(),
                "time": local.strftime("%H:%M"),
                "expires_in_hours": 24,
                "notes": "",
            },
        )
    assert response.status_code == 302
    item.refresh_from_db()
    proposal = Appointment.objects.get()
    assert item.status == "answered" and item.answered_by == open_specialist.user
    assert proposal.availability_request == item and proposal.status == "proposed"
    assert proposal.start == slot.start
    assert Notification.objects.filter(user=patient_a.user, kind="appointment.proposed").exists()
    # The patient sees the proposal on the request and accepts it.
    patient = client_for(patient_a.user, BRAND_HOST)
    detail = patient.get(f"/appointments/requests/{item.uuid}/").content.decode()
    assert "Answered" in detail and "Therapy session" in detail
    patient.post(f"/appointments/{proposal.uuid}/accept/", {"version": proposal.sequence})
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"


def test_specialist_declines_with_reason(
    client_for, patient_a, open_specialist, django_capture_on_commit_callbacks
):
    item = _request(patient_a, open_specialist)
    desk = client_for(open_specialist.user, "localhost")
    empty = desk.post(f"/practice/schedule/requests/{item.uuid}/decline/", {"reason": ""})
    assert empty.status_code == 302
    item.refresh_from_db()
    assert item.status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(f"/practice/schedule/requests/{item.uuid}/decline/", {"reason": "Fully booked."})
    item.refresh_from_db()
    assert item.status == "declined" and item.decline_reason == "Fully booked."
    note = Notification.objects.get(user=patient_a.user, kind="availability.declined")
    assert "Fully booked." in note.body
    page = client_for(patient_a.user, BRAND_HOST).get(f"/appointments/requests/{item.uuid}/")
    assert "Fully booked." in page.content.decode()
    with pytest.raises(actions.SchedulingError):
        actions.decline_availability_request(
            request=item, acting_user=open_specialist.user, reason="again"
        )


def test_expiry_is_derived_without_a_worker_then_the_task_notifies_once(
    client_for, patient_a, open_specialist, session_type, django_capture_on_commit_callbacks
):
    item = _request(patient_a, open_specialist)
    AvailabilityRequest.objects.filter(pk=item.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    item.refresh_from_db()
    # No worker ran: still stored as open, but it *is* expired everywhere.
    assert item.status == "open" and item.effective_status() == "expired"
    listing = client_for(patient_a.user, BRAND_HOST).get("/appointments/").content.decode()
    assert "Expired" in listing
    assert not AvailabilityRequest.objects.open().exists()
    with pytest.raises(actions.SchedulingError, match="expired"):
        actions.propose_appointment(
            specialist=open_specialist,
            patient=patient_a,
            session_type=session_type,
            start=timezone.now() + dt.timedelta(days=5),
            expires_in_hours=24,
            acting_user=open_specialist.user,
            availability_request=item,
        )
    with pytest.raises(actions.SchedulingError, match="expired"):
        actions.decline_availability_request(
            request=item, acting_user=open_specialist.user, reason="late"
        )
    # A new request is possible once the old one expired.
    _request(patient_a, open_specialist, preferred_times="Mornings")
    # The notice: once, however often the job runs.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_proposals")
        assert expiry.expire_availability_requests() == 0
    item.refresh_from_db()
    assert item.status == "expired" and item.expiry_notified_at is not None
    assert Notification.objects.filter(kind="availability.expired").count() == 2  # both sides


def test_other_patients_and_brands_get_404_and_nothing_changes(
    client_for, patient_a, patient_b, brand_a, open_specialist, specialist_2
):
    item = _request(patient_a, open_specialist)
    url = f"/appointments/requests/{item.uuid}/"
    other_user = make_user("other@example.com")
    Patient.objects.create(brand=brand_a, user=other_user, email=other_user.email)
    assert client_for(other_user, BRAND_HOST).get(url).status_code == 404
    # patient_a on another brand's host, and patient_b on theirs.
    assert client_for(patient_a.user, "northside.localhost").get(url).status_code == 404
    assert client_for(patient_b.user, "northside.localhost").get(url).status_code == 404
    # Another specialist cannot open, answer or decline it.
    other_desk = client_for(specialist_2.user, "localhost")
    assert other_desk.get(f"/practice/schedule/requests/{item.uuid}/").status_code == 404
    assert (
        other_desk.post(
            f"/practice/schedule/requests/{item.uuid}/decline/", {"reason": "no"}
        ).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.status == "open" and item.decline_reason == ""
    assert "Weekday evenings" not in other_desk.get("/practice/schedule/requests/").content.decode()
