"""A specialist adds an external calendar and imports it again with "Import now": the import
runs as a task, the page shows its progress and the result, and never the secret address."""

from playwright.sync_api import expect

from hale.scheduling.models import BusySource, BusyTime
from hale.scheduling.tests.test_busy_import import feed_server  # noqa: F401  (fixture)


def test_specialist_adds_a_calendar_and_imports_it_now(
    page,
    server,
    login,
    specialist,
    feed_server,  # noqa: F811  (the fixture imported above)
    assert_accessible,
):
    base, state = feed_server
    login(page, server, specialist.user, "localhost")
    page.goto(server.url("localhost", "/practice/schedule/external-calendars/"))
    assert_accessible(page)
    page.get_by_label("Name").fill("Clinic rota")
    page.get_by_label("Calendar address (ICS)").fill("ftp://nowhere/cal.ics")
    page.get_by_role("button", name="Add calendar").click()
    expect(page.get_by_text("Enter a calendar address starting with https://.")).to_be_visible()
    assert not BusySource.objects.exists()

    page.get_by_label("Calendar address (ICS)").fill(f"{base}/good.ics")
    page.get_by_role("button", name="Add calendar").click()
    card = page.get_by_role("listitem").filter(has_text="Clinic rota")
    expect(card).to_contain_text("6 busy times")
    expect(card).to_contain_text("127.0.0.1")
    expect(page.get_by_role("main")).not_to_contain_text("good.ics")
    hits = state["hits"]

    card.get_by_role("button", name="Import Clinic rota now").click()
    expect(page.get_by_role("status").filter(has_text="Import started")).to_be_visible()
    card = page.get_by_role("listitem").filter(has_text="Clinic rota")
    expect(card).to_contain_text("6 busy times")
    expect(card.get_by_role("button", name="Import Clinic rota now")).to_be_enabled()
    assert state["hits"] == hits + 1
    assert BusyTime.objects.count() == 6
    assert_accessible(page)
