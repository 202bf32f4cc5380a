"""Journeys: a Northside patient browses, filters by language, opens a profile and goes to
booking; a Calm patient is smart-matched and sees why; staff list a specialist."""

import datetime as dt
import re

from playwright.sync_api import expect

from hale.matching import actions
from hale.scheduling import actions as scheduling_actions


def _open(specialist, languages):
    specialist.languages = languages
    specialist.save(update_fields=["languages"])
    for weekday in range(7):
        scheduling_actions.add_weekly_rule(
            specialist=specialist,
            acting_user=specialist.user,
            weekday=weekday,
            start_time=dt.time(8),
            end_time=dt.time(20),
        )
    scheduling_actions.save_session_type(
        specialist=specialist,
        acting_user=specialist.user,
        values={
            "name": "Therapy session",
            "duration_minutes": 50,
            "price_minor": 6000,
            "currency": "EUR",
            "modality": "video",
            "minimum_notice_minutes": 60,
            "booking_horizon_days": 30,
        },
    )


def test_northside_patient_browses_filters_opens_a_profile_and_books(
    page, server, login, brand_b, patient_b, specialist, specialist_2, operator, assert_accessible
):
    _open(specialist, ["es", "en"])
    _open(specialist_2, ["en"])
    for s in (specialist, specialist_2):
        actions.list_specialist(brand=brand_b, specialist=s, acting_user=operator)

    login(page, server, patient_b.user, "northside.localhost")
    page.goto(server.url("northside.localhost", "/"))
    page.get_by_role("link", name="Find a specialist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a specialist")
    expect(page.get_by_role("link", name="Dr Sam Two")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Session language").select_option("es")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("1 specialist")
    expect(page.get_by_role("link", name="Dr Sam Two")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Dr Dana One").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dr Dana One")
    expect(page.get_by_text("Therapy session: 60.00 EUR")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Book with Dr Dana One").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book with Dr Dana One")
    assert_accessible(page)


def test_calm_patient_is_smart_matched_and_sees_why(
    page, server, login, brand_a, patient_a, specialist, operator, assert_accessible
):
    brand_a.discovery_mode = "smart"
    brand_a.save(update_fields=["discovery_mode"])
    _open(specialist, ["es", "en"])
    actions.list_specialist(brand=brand_a, specialist=specialist, acting_user=operator)
    actions.refresh_match_profiles()

    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/"))
    page.get_by_role("link", name="Your specialist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find your specialist")
    assert_accessible(page)
    page.get_by_label("Language for your sessions").select_option("es")
    page.get_by_role("button", name="Find my specialist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your specialist")
    expect(page.get_by_role("list").filter(has_text="speaks Spanish")).to_be_visible()
    assert_accessible(page)


def test_staff_list_a_specialist(
    page, server, login, brand_a, staff_a, specialist, assert_accessible
):
    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", "/staff/"))
    page.get_by_role("link", name=re.compile("Specialists listed on Calm Minds")).click()
    assert_accessible(page)
    page.get_by_label("Specialist to list").select_option(label="Dr Dana One")
    page.get_by_role("button", name="List specialist").click()
    expect(page.get_by_role("button", name="Hide Dr Dana One")).to_be_visible()
    assert_accessible(page)


def test_specialist_previews_what_patients_see(
    page, server, login, brand_b, specialist, operator, assert_accessible
):
    _open(specialist, ["en"])
    actions.list_specialist(brand=brand_b, specialist=specialist, acting_user=operator)
    login(page, server, specialist.user, "localhost")
    page.goto(server.url("localhost", "/"))
    page.get_by_role("link", name="Listings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your listings")
    assert_accessible(page)
    page.get_by_role("link", name="See what patients of Northside Clinic see").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northside Clinic")
    expect(page.get_by_text("Therapy session: 60.00 EUR")).to_be_visible()
    assert_accessible(page)
