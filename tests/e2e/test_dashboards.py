"""Journeys of the home dashboards in Chromium: a patient reads their cards, opens the next
session's reschedule page from the home page and moves between the Upcoming and Past tabs
with the keyboard; a specialist reads their activity and statistics (Chart.js draws both
charts, daily and monthly), finds a patient in their list and opens their page; staff turn
the one-hour reminder off on the booking policy page."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from hale.dashboards.tests.test_specialist_dashboard import paid_for, past_session
from hale.scheduling.models import Appointment, BookingPolicy
from hale.shop.models import Order
from hale.tenancy.models import Plan
from tests.e2e.test_booking import _open_every_day


def _booked(patient, specialist):
    from hale.scheduling import actions
    from hale.scheduling.models import SessionType
    from hale.scheduling.slots import offered_slots

    session_type = SessionType.objects.get(specialist=specialist)
    start = timezone.now() + dt.timedelta(days=3)
    slot = offered_slots(
        specialist,
        session_type,
        window_start=start,
        window_end=start + dt.timedelta(days=2),
        now=timezone.now(),
    )[0]
    return actions.book_appointment(
        patient=patient,
        specialist=specialist,
        session_type=session_type,
        start=slot.start,
        acting_user=patient.user,
    )


def _past(patient, specialist, days_ago, status, paid=0):
    appointment = past_session(patient, specialist, days_ago, status)
    if paid:
        paid_for(appointment, paid, appointment.start)
    return appointment


def test_patient_reads_the_dashboard_and_moves_between_tabs(
    page, server, login, patient_a, specialist, assert_accessible
):
    _open_every_day(specialist)
    brand = patient_a.brand
    brand.plan = Plan.PREMIUM
    brand.save(update_fields=["plan"])
    session = _booked(patient_a, specialist)
    _past(patient_a, specialist, 14, Appointment.Status.COMPLETED)
    Order.objects.create(
        brand=brand,
        patient=patient_a,
        number="HL-READY1",
        status=Order.Status.READY,
        currency="EUR",
        subtotal_minor=1000,
        tax_minor=200,
        total_minor=1200,
    )
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/"))
    expect(page).to_have_title("Your dashboard · Calm Minds")
    cards = page.locator(".summary-cards")
    expect(cards.get_by_role("link", name="1 Upcoming appointments")).to_be_visible()
    expect(cards.get_by_role("link", name="1 Ready for pickup")).to_be_visible()
    expect(cards).to_contain_text("You are all caught up.")
    next_card = page.get_by_role("region", name="Your next session")
    expect(next_card).to_contain_text("Therapy session")
    expect(next_card).to_contain_text(specialist.display_name)
    expect(page.get_by_role("region", name="Recent orders")).to_contain_text("HL-READY1")
    expect(page.get_by_role("region", name="Waiting for an answer")).to_contain_text(
        "No proposals or requests are waiting."
    )
    assert_accessible(page)

    next_card.get_by_role("link", name="Reschedule Therapy session").click()
    expect(page).to_have_url(
        server.url("calm.localhost", f"/appointments/{session.uuid}/reschedule/")
    )
    page.go_back()

    cards.get_by_role("link", name="1 Upcoming appointments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appointments")
    upcoming_tab = page.get_by_role("tab", name="Upcoming")
    past_tab = page.get_by_role("tab", name="Past")
    expect(upcoming_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Upcoming")).to_contain_text("Therapy session")
    expect(page.get_by_role("tabpanel", name="Past")).to_be_hidden()
    upcoming_tab.focus()
    page.keyboard.press("ArrowRight")
    expect(past_tab).to_be_focused()
    expect(past_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Past")).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Upcoming")).to_be_hidden()
    expect(page).to_have_url(server.url("calm.localhost", "/appointments/?tab=past"))
    assert_accessible(page)
    # A reload keeps the tab the patient chose.
    page.reload()
    expect(page.get_by_role("tab", name="Past")).to_have_attribute("aria-selected", "true")


def test_specialist_reads_statistics_and_finds_a_patient(
    page, server, login, patient_a, specialist, assert_accessible
):
    _open_every_day(specialist)
    _booked(patient_a, specialist)
    _past(patient_a, specialist, 2, Appointment.Status.COMPLETED, paid=6000)
    _past(patient_a, specialist, 9, Appointment.Status.NO_SHOW)
    _past(patient_a, specialist, 60, Appointment.Status.COMPLETED, paid=6000)
    login(page, server, specialist.user, "localhost")
    page.goto(server.url("localhost", "/"))
    stats = page.get_by_role("region", name="Statistics")
    expect(stats).to_be_visible()
    # Chart.js drew the daily charts (the script marks the section once it has).
    expect(stats).to_have_attribute("data-charts-drawn", "daily")
    size = page.locator("#stats-sessions").evaluate("c => [c.width, c.height]")
    assert size[0] > 0 and size[1] > 0
    expect(stats.locator("[data-stats-panel=daily] .stat-grid")).to_contain_text("60.00")
    stats.get_by_role("button", name="Last 12 months").click()
    expect(stats).to_have_attribute("data-charts-drawn", "monthly")
    expect(stats.get_by_role("button", name="Last 12 months")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(stats.locator("[data-stats-panel=monthly] .stat-grid")).to_contain_text("120.00")
    activity = page.get_by_role("region", name="Activity")
    expect(activity.get_by_role("link", name="1 New bookings")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your patients")
    page.get_by_label("Name or email").fill("alice")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text="Alice Patient")
    expect(row).to_contain_text("Browse and choose")
    assert_accessible(page)
    row.get_by_role("link", name="Alice Patient").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Patient")


def test_staff_turn_the_hour_reminder_off(page, server, login, staff_a, assert_accessible):
    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", "/staff/"))
    page.get_by_role("link", name="Booking policy and reminders of Calm Minds").click()
    expect(page.get_by_label("Remind 1 hour before")).to_be_checked()
    page.get_by_label("Remind 1 hour before").uncheck()
    page.get_by_label("Cancellation notice (hours)").fill("-1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("main")).to_contain_text("greater than or equal to 0")
    assert server.call(lambda: BookingPolicy.objects.count()) == 0
    page.get_by_label("Cancellation notice (hours)").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Booking policy saved.")
    policy = server.call(lambda: BookingPolicy.objects.get())
    assert (policy.cancellation_notice_hours, policy.remind_hour_before) == (12, False)
    assert policy.remind_day_before is True
    assert_accessible(page)


def test_a_referral_link_brings_a_new_patient_into_the_specialists_care(
    page, new_page, server, login, brand_a, specialist, assert_accessible
):
    from hale.matching.models import CareRelationship, Listing
    from tests.e2e.test_consent_and_onboarding import SIGN_UP, fill_passwords

    brand_a.referrals_enabled = True
    brand_a.save(update_fields=["referrals_enabled"])
    Listing.objects.get_or_create(brand=brand_a, specialist=specialist)
    login(page, server, specialist.user, "localhost")
    page.goto(server.url("localhost", "/practice/referrals/"))
    expect(page.get_by_role("main")).to_contain_text("Nobody has signed up through your links yet.")
    assert_accessible(page)
    link = page.get_by_label("Link for Calm Minds").input_value()
    assert link.endswith(f"/r/{specialist.uuid}/")

    visitor = new_page()
    visitor.goto(server.url("calm.localhost", f"/r/{specialist.uuid}/"))
    expect(visitor).to_have_url(server.url("calm.localhost", "/accounts/signup/"))
    expect(visitor.get_by_role("main")).to_contain_text("Dr Dana One invited you to Calm Minds")
    assert_accessible(visitor)
    visitor.get_by_label("Email").fill("referred.person@example.com")
    fill_passwords(visitor)
    visitor.get_by_role("button", name=SIGN_UP).click()
    expect(visitor).to_have_url(server.url("calm.localhost", "/accounts/confirm-email/"))
    care = server.call(lambda: CareRelationship.objects.select_related("patient").get())
    assert (care.specialist_id, care.source) == (specialist.pk, "referral")

    page.reload()
    row = page.get_by_role("row").filter(has_text="referred.person@example.com")
    expect(row).to_contain_text("Signed up, no session yet")
    assert_accessible(page)
