"""Journeys: a guest searches and reads a help article; a patient sees a notification arrive."""

import re

from playwright.sync_api import expect

from hale.helpcenter.demo import seed_demo_articles


def test_guest_searches_and_reads_a_help_article(page, server, brand_a, staff_a, assert_accessible):
    seed_demo_articles(brand_a, staff_a)

    page.goto(server.url("calm.localhost", "/help/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Help")
    assert_accessible(page)

    page.get_by_role("searchbox", name="Search the Help Center").fill("video")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"\d+ results? for"))
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name=re.compile("video", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("video", re.I))
    assert_accessible(page)


def test_patient_sees_a_notification_arrive_in_the_bell(
    page, new_page, server, login, patient_a, staff_a, assert_accessible
):
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost"))
    bell = page.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread"))
    expect(bell).to_have_attribute("data-unread-count", "0")
    assert_accessible(page)

    # Staff send an announcement from the back office in another browser.
    staff_page = new_page()
    login(staff_page, server, staff_a, "localhost")
    staff_page.goto(server.url("localhost", "/staff/brands/calm/announcements/"))
    assert_accessible(staff_page)
    staff_page.get_by_label("Title").fill("We moved to a new building")
    staff_page.get_by_label("Message").fill("From Monday we are at 1 High Street.")
    staff_page.get_by_role("button", name="Send announcement").click()
    expect(staff_page.get_by_role("main")).to_contain_text("We moved to a new building")

    # The patient's open page updates without a reload.
    expect(bell).to_have_attribute("data-unread-count", "1")
    expect(bell).to_have_accessible_name(re.compile(r"Notifications, 1 unread"))
    bell.click()
    expect(page.get_by_role("main")).to_contain_text("We moved to a new building")
    assert_accessible(page)
