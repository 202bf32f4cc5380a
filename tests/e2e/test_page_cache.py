"""The page cache in Chromium: a patient's home page, reloaded, is answered from memory; what
the patient does (cancelling their session through the page) and what someone else does (the
specialist's own change, made elsewhere) shows on the very next load; and signing out ends it."""

from playwright.sync_api import expect

from hale.accounts.pagecache import HIT_HEADER
from hale.dashboards.tests.test_specialist_dashboard import past_session
from hale.scheduling.models import Appointment
from tests.e2e.test_booking import _open_every_day
from tests.e2e.test_dashboards import _booked


def _reload_until_answered_from_memory(page) -> None:
    """The first loads set cookies (time zone, CSRF) and teach the server the page; then the
    same request is answered from memory."""
    for _ in range(6):
        response = page.reload()
        if response.headers.get(HIT_HEADER.lower()) == "hit":
            return
    raise AssertionError("the page was never answered from memory")


def test_a_page_kept_in_memory_shows_every_change_at_once(
    page, server, login, patient_a, specialist, assert_accessible
):
    _open_every_day(specialist)
    first = _booked(patient_a, specialist)
    second = past_session(patient_a, specialist, -10, Appointment.Status.CONFIRMED)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/"))
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    _reload_until_answered_from_memory(page)
    cards = page.locator(".summary-cards")
    expect(cards.get_by_role("link", name="2 Upcoming appointments")).to_be_visible()
    assert_accessible(page)
    assert refused == []  # its fresh nonce matches its policy: every script and style ran

    # Someone else's change, made outside this browser: on the next load.
    server.call(
        lambda: Appointment.objects.filter(pk=second.pk).update(session_name="Moved by the clinic")
    )
    response = page.reload()
    assert response.headers.get(HIT_HEADER.lower()) is None
    expect(page.get_by_role("main")).to_contain_text("Moved by the clinic")

    # The patient's own change through the page.
    _reload_until_answered_from_memory(page)
    page.get_by_role("region", name="Your next session").get_by_role(
        "link", name=f"Cancel {first.session_name}"
    ).first.click()
    page.get_by_label("Reason").fill("Something came up.")
    page.get_by_role("button", name="Cancel this session").click()
    expect(page.get_by_role("main")).to_contain_text("Cancelled")
    page.goto(server.url("calm.localhost", "/"))
    expect(cards.get_by_role("link", name="1 Upcoming appointments")).to_be_visible()

    # Signed out: the kept page is never shown again, not even with the old cookie.
    _reload_until_answered_from_memory(page)
    cookies = page.context.cookies()
    page.get_by_role("button", name="Sign out").first.click()
    page.context.add_cookies(cookies)
    page.goto(server.url("calm.localhost", "/"))
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Upcoming appointments")
