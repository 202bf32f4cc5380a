"""Journeys: answers from a page that shows an older version of an appointment are refused
and the page shows how it stands now — a patient accepting a proposal the specialist has
just moved, and two tabs of one patient rescheduling the same session."""

import datetime as dt
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from hale.scheduling import actions
from hale.scheduling.models import Appointment
from tests.e2e.test_booking import _open_every_day

CHANGED = "This appointment was just changed"


def test_accept_on_a_page_showing_an_older_time_is_refused(
    page, new_page, server, login, patient_a, specialist, assert_accessible
):
    session_type = _open_every_day(specialist)
    madrid = ZoneInfo("Europe/Madrid")
    first_day = (dt.datetime.now(madrid) + dt.timedelta(days=4)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    actions.book_appointment(
        patient=patient_a,
        specialist=specialist,
        session_type=session_type,
        start=first_day.replace(hour=14),
        acting_user=patient_a.user,
    )
    proposal = actions.propose_appointment(
        specialist=specialist,
        patient=patient_a,
        session_type=session_type,
        start=first_day,
        expires_in_hours=48,
        acting_user=specialist.user,
    )
    # The patient opens the proposal…
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", f"/appointments/{proposal.uuid}/"))
    expect(page.get_by_role("heading", name="Proposed session")).to_be_visible()

    # …while the specialist moves it to the next day at 11:00 through the change form.
    desk = new_page(timezone_id="Europe/Madrid")
    login(desk, server, specialist.user, "localhost")
    desk.goto(server.url("localhost", f"/practice/schedule/appointments/{proposal.uuid}/"))
    desk.get_by_role("link", name="Change this proposal").click()
    moved = first_day + dt.timedelta(days=1, hours=1)
    desk.get_by_label("Date").fill(moved.date().isoformat())
    desk.get_by_label("Start time").fill("11:00")
    desk.get_by_role("button", name="Save and tell the patient").click()
    expect(desk.get_by_role("status").filter(has_text="Proposal changed")).to_be_visible()

    # Accept on the old page: refused, and the page now shows the new time.
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status").filter(has_text=CHANGED)).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.start == moved
    expect(page.locator(f'time[datetime="{moved.astimezone(dt.UTC).isoformat()}"]')).to_have_count(
        1
    )
    assert_accessible(page)
    # Accepting what is shown now works.
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status").filter(has_text="Accepted")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == "confirmed" and proposal.start == moved


def test_two_tabs_rescheduling_one_session_move_it_once(
    page, new_page, server, login, patient_a, specialist, assert_accessible
):
    session_type = _open_every_day(specialist)
    start = (dt.datetime.now(ZoneInfo("Europe/Madrid")) + dt.timedelta(days=5)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    appointment = actions.book_appointment(
        patient=patient_a,
        specialist=specialist,
        session_type=session_type,
        start=start,
        acting_user=patient_a.user,
    )
    url = server.url("calm.localhost", f"/appointments/{appointment.uuid}/reschedule/")
    login(page, server, patient_a.user, "calm.localhost")
    other_tab = page.context.new_page()
    page.goto(url)
    other_tab.goto(url)
    page.get_by_role("button", name="Move to").first.click()
    expect(page.get_by_role("status").filter(has_text="Your session has moved")).to_be_visible()
    other_tab.get_by_role("button", name="Move to").last.click()
    expect(other_tab.get_by_role("alert")).to_contain_text(CHANGED)
    assert_accessible(other_tab)
    appointment.refresh_from_db()
    assert appointment.sequence == 1
    assert list(
        Appointment.objects.get(pk=appointment.pk)
        .events.filter(kind="rescheduled")
        .values_list("kind", flat=True)
    ) == ["rescheduled"]
