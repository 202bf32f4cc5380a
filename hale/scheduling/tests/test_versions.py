"""Every answer to an appointment or proposal carries the version (``sequence``) the page
showed. A stale or missing version is refused with "this appointment was just changed" and
changes nothing; two people (or two tabs) acting at once: the first wins."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from hale.scheduling import actions
from hale.scheduling.models import Appointment, AppointmentEvent, AvailabilityRequest
from hale.scheduling.windows import TimeWindow
from tests.race import race

CALM = "calm.localhost"
PRACTICE = "localhost"
CHANGED = "This appointment was just changed"

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)


def _page_version(html: str, action_path: str) -> int:
    """The version a rendered form posts back, read from the page as a browser would."""
    form = re.search(
        r'<form[^>]*action="' + re.escape(action_path) + r'"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, f"no form posting to {action_path}"
    value = re.search(r'name="version" value="(-?\d+)"', form.group(1))
    assert value, f"the form posting to {action_path} carries no version"
    return int(value.group(1))


def _move(proposal: Appointment, start, version: int = 0) -> Appointment:
    """The specialist moves the proposal (as the change form does)."""
    assert proposal.session_type is not None
    return actions.change_proposal(
        appointment=proposal,
        acting_user=proposal.specialist.user,
        start=start,
        session_type=proposal.session_type,
        expires_in_hours=20,
        version=version,
    )


def _snapshot(appointment: Appointment) -> tuple:
    appointment.refresh_from_db()
    return (appointment.status, appointment.start, appointment.sequence, appointment.events.count())


# --- The actions refuse a stale version ---------------------------------------------------------


def test_stale_version_refused_by_every_patient_and_specialist_action(
    patient_a, open_specialist, session_type, book, free_slots
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    booked = book(patient_a, open_specialist, session_type, slots[0])
    proposal = actions.propose_appointment(
        specialist=open_specialist,
        patient=patient_a,
        session_type=session_type,
        start=slots[2].start,
        expires_in_hours=24,
        acting_user=open_specialist.user,
    )
    patient, practitioner = patient_a.user, open_specialist.user
    attempts = [
        (booked, lambda v: actions.cancel_appointment(
            appointment=booked, acting_user=patient, reason="Travel", version=v)),
        (booked, lambda v: actions.reschedule_appointment(
            appointment=booked, new_start=slots[4].start, acting_user=patient, version=v)),
        (proposal, lambda v: actions.accept_proposal(
            appointment=proposal, acting_user=patient, version=v)),
        (proposal, lambda v: actions.decline_proposal(
            appointment=proposal, acting_user=patient, version=v)),
        (proposal, lambda v: actions.withdraw_proposal(
            appointment=proposal, acting_user=practitioner, version=v)),
        (proposal, lambda v: actions.change_proposal(
            appointment=proposal, acting_user=practitioner, start=slots[5].start,
            session_type=session_type, expires_in_hours=10, version=v)),
    ]  # fmt: skip
    for target, attempt in attempts:
        before = _snapshot(target)
        for stale in (target.sequence - 1, target.sequence + 1, -1):
            with pytest.raises(actions.AppointmentChanged):
                attempt(stale)
            assert _snapshot(target) == before
    # The version the page showed is accepted.
    actions.change_proposal(
        appointment=proposal,
        acting_user=practitioner,
        start=slots[5].start,
        session_type=session_type,
        expires_in_hours=10,
        version=proposal.sequence,
    )
    proposal.refresh_from_db()
    assert proposal.start == slots[5].start and proposal.sequence == 1


def test_stale_version_refused_when_marking_the_outcome(
    patient_a, open_specialist, session_type, book
):
    appointment = book(patient_a, open_specialist, session_type)
    started = timezone.now() - dt.timedelta(hours=2)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=started, end=started + dt.timedelta(minutes=50)
    )
    before = _snapshot(appointment)
    with pytest.raises(actions.AppointmentChanged):
        actions.record_outcome(
            appointment=appointment,
            acting_user=open_specialist.user,
            outcome="completed",
            version=appointment.sequence + 1,
        )
    assert _snapshot(appointment) == before
    actions.record_outcome(
        appointment=appointment,
        acting_user=open_specialist.user,
        outcome="completed",
        version=appointment.sequence,
    )
    assert Appointment.objects.get(pk=appointment.pk).status == "completed"


# --- Through the pages ----------------------------------------------------------------------


def test_accept_from_a_page_that_showed_an_older_time_is_refused(
    client_for, patient_a, open_specialist, session_type, propose, free_slots
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    proposal = propose(patient_a, slots[1].start)
    patient = client_for(patient_a.user, CALM)
    page = patient.get(f"/appointments/{proposal.uuid}/").content.decode()
    accept_path = f"/appointments/{proposal.uuid}/accept/"
    seen = _page_version(page, accept_path)
    assert seen == 0
    # Meanwhile the specialist moves the proposal to another time.
    _move(proposal, slots[4].start)
    response = patient.post(accept_path, {"version": seen}, follow=True)
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.start == slots[4].start
    shown = response.content.decode()
    assert CHANGED in shown
    # The page now shows the current time and offers to accept that version.
    assert _page_version(shown, accept_path) == 1
    assert f'datetime="{slots[4].start.isoformat()}"' in shown
    assert f'datetime="{slots[1].start.isoformat()}"' not in shown
    patient.post(accept_path, {"version": 1})
    proposal.refresh_from_db()
    assert proposal.status == "confirmed" and proposal.start == slots[4].start


def test_answers_without_a_version_are_refused(
    client_for, patient_a, open_specialist, session_type, propose, free_slots
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    proposal = propose(patient_a, slots[1].start)
    patient = client_for(patient_a.user, CALM)
    for posted in ({}, {"version": ""}, {"version": "abc"}):
        patient.post(f"/appointments/{proposal.uuid}/decline/", posted)
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.sequence == 0


def test_stale_cancel_and_reschedule_pages_show_the_current_state(
    client_for, patient_a, open_specialist, session_type, book, free_slots
):
    slots = free_slots(open_specialist, session_type)
    appointment = book(patient_a, open_specialist, session_type, slots[0])
    patient = client_for(patient_a.user, CALM)
    page = patient.get(f"/appointments/{appointment.uuid}/").content.decode()
    cancel_path = f"/appointments/{appointment.uuid}/cancel/"
    seen = _page_version(page, cancel_path)
    # Another tab moves the session first.
    actions.reschedule_appointment(
        appointment=appointment, new_start=slots[-1].start, acting_user=patient_a.user, version=0
    )
    response = patient.post(cancel_path, {"reason": "Travel", "version": seen})
    assert response.status_code == 400 and CHANGED in response.content.decode()
    assert _page_version(response.content.decode(), cancel_path) == 1
    appointment.refresh_from_db()
    assert appointment.status == "confirmed" and appointment.start == slots[-1].start
    # A reschedule posted from the old page is refused as well.
    response = patient.post(
        f"/appointments/{appointment.uuid}/reschedule/",
        {"start": slots[1].start.isoformat(), "version": seen},
    )
    assert response.status_code == 409 and CHANGED in response.content.decode()
    assert 'name="version" value="1"' in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.start == slots[-1].start and appointment.sequence == 1


def test_specialist_actions_from_a_stale_page_change_nothing(
    client_for, patient_a, open_specialist, session_type, propose, free_slots
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    proposal = propose(patient_a, slots[1].start)
    practice = client_for(open_specialist.user, PRACTICE)
    base = f"/practice/schedule/appointments/{proposal.uuid}"
    page = practice.get(f"{base}/").content.decode()
    seen = _page_version(page, f"{base}/withdraw/")
    edit_page = practice.get(f"{base}/edit/").content.decode()
    assert 'name="version" value="0"' in edit_page
    _move(proposal, slots[4].start)
    response = practice.post(f"{base}/withdraw/", {"version": seen}, follow=True)
    assert CHANGED in response.content.decode()
    local = slots[5].start.astimezone(ZoneInfo("Europe/Madrid"))
    response = practice.post(
        f"{base}/edit/",
        {
            "session_type": str(session_type.uuid),
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "expires_in_hours": 30,
            "notes": "",
            "version": seen,
        },
        follow=True,
    )
    assert CHANGED in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.start == slots[4].start
    assert proposal.sequence == 1


# --- Two at once, on PostgreSQL ---------------------------------------------------------------


def _outcome(exc: Exception) -> str:
    if isinstance(exc, actions.AppointmentChanged):
        return "changed"
    if isinstance(exc, actions.SchedulingError):
        return f"refused: {exc.message}"
    return f"error: {exc!r}"


def _race(*attempts) -> list[str]:
    return race(list(attempts), _outcome)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reschedules_apply_once(
    patient_a, open_specialist, session_type, book, free_slots
):
    slots = free_slots(open_specialist, session_type)
    appointment = book(patient_a, open_specialist, session_type, slots[0])

    def move(to):
        return lambda: actions.reschedule_appointment(
            appointment=Appointment.objects.get(pk=appointment.pk),
            new_start=to,
            acting_user=patient_a.user,
            version=0,
        )

    outcomes = _race(move(slots[2].start), move(slots[-1].start))
    assert outcomes == ["applied", "changed"]
    appointment.refresh_from_db()
    assert appointment.sequence == 1
    assert appointment.start in (slots[2].start, slots[-1].start)
    kinds = list(appointment.events.values_list("kind", flat=True))
    assert kinds.count(AppointmentEvent.Kind.RESCHEDULED) == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_accept_racing_a_change_of_the_proposal_never_confirms_an_unseen_time(
    patient_a, open_specialist, session_type, propose, free_slots
):
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    proposal = propose(patient_a, slots[1].start)

    def accept():
        actions.accept_proposal(
            appointment=Appointment.objects.get(pk=proposal.pk),
            acting_user=patient_a.user,
            version=0,
        )

    def change():
        _move(Appointment.objects.get(pk=proposal.pk), slots[4].start)

    outcomes = _race(accept, change)
    assert outcomes == ["applied", "changed"]
    proposal.refresh_from_db()
    assert proposal.sequence == 1
    # Either the patient confirmed the time they saw, or the proposal moved and waits again.
    assert (proposal.status, proposal.start) in (
        ("confirmed", slots[1].start),
        ("proposed", slots[4].start),
    )


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_declining_a_request_racing_an_answer_to_it_applies_one(
    patient_a, open_specialist, session_type, book, free_slots
):
    """Availability requests move one way (open → answered or declined) under a row lock, so
    the state the second action finds is the version check."""
    slots = free_slots(open_specialist, session_type, days_ahead=6)
    book(patient_a, open_specialist, session_type, slots[0])
    request = actions.request_availability(
        patient=patient_a,
        specialist=open_specialist,
        acting_user=patient_a.user,
        windows=[TimeWindow((0, 1, 2, 3, 4), dt.time(18), dt.time(21))],
        preferred_times="Weekday evenings after 18:00",
    )

    def decline():
        actions.decline_availability_request(
            request=AvailabilityRequest.objects.get(pk=request.pk),
            acting_user=open_specialist.user,
            reason="Fully booked.",
        )

    def answer():
        actions.propose_appointment(
            specialist=open_specialist,
            patient=patient_a,
            session_type=session_type,
            start=slots[3].start,
            expires_in_hours=24,
            acting_user=open_specialist.user,
            availability_request=AvailabilityRequest.objects.get(pk=request.pk),
        )

    outcomes = _race(decline, answer)
    assert outcomes[0] == "applied" and outcomes[1].startswith("refused: "), outcomes
    request.refresh_from_db()
    proposals = Appointment.objects.filter(status="proposed").count()
    assert (request.status, proposals) in (("declined", 0), ("answered", 1))
