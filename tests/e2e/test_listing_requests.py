"""A specialist listed on Calm Minds asks to be listed on Northside Clinic too, Northside's
staff approve the request on their listings page, and the specialist then sees the new
listing with what Northside's patients pay (Northside fixes its price)."""

import re

from playwright.sync_api import expect

from hale.matching import actions
from hale.matching.models import Listing, ListingRequest
from hale.matching.tests.conftest import fix_brand_price, session_type


def _set_up(brand_a, brand_b, specialist, staff_b) -> None:
    session_type(specialist, price=6000)
    actions.list_specialist(brand=brand_a, specialist=specialist, acting_user=staff_b)
    fix_brand_price(brand_b, staff_b)


def test_specialist_asks_northside_to_list_them_and_its_staff_approve(
    page, new_page, server, login, brand_a, brand_b, specialist, staff_b, assert_accessible
):
    server.call(_set_up, brand_a, brand_b, specialist, staff_b)

    # The specialist asks, with a message.
    login(page, server, specialist.user)
    page.goto(server.url("localhost", "/practice/listings/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your listings")
    listings = page.get_by_role("table", name=re.compile("Your listings"))
    expect(listings.get_by_role("row", name=re.compile("Calm Minds"))).to_contain_text("60.00 EUR")
    ask = page.get_by_role("region", name="Ask to be listed on another brand")
    ask.get_by_role("combobox", name="Brand").select_option(label="Northside Clinic")
    ask.get_by_label("Message to the brand's staff (optional)").fill(
        "I also see patients in New York."
    )
    ask.get_by_role("button", name="Send request").click()
    expect(
        page.get_by_role("status").filter(has_text="Your request was sent to Northside Clinic.")
    ).to_be_visible()
    requests = page.get_by_role("region", name="Your listing requests")
    expect(requests.get_by_role("row", name=re.compile("Northside Clinic"))).to_contain_text(
        "Waiting for the brand"
    )
    expect(requests.get_by_role("button", name=re.compile("Withdraw"))).to_be_visible()
    assert_accessible(page)

    # Northside's staff see it on their listings page and approve it.
    staff = new_page()
    login(staff, server, staff_b)
    staff.goto(server.url("localhost", "/staff/brands/northside/listings/"))
    waiting = staff.get_by_role("region", name="Requests to be listed")
    expect(waiting.get_by_role("article", name="Dr Dana One")).to_contain_text(
        "I also see patients in New York."
    )
    assert_accessible(staff)
    waiting.get_by_role("button", name="Approve Dr Dana One").click()
    expect(staff.get_by_role("status").filter(has_text="Dr Dana One is listed.")).to_be_visible()
    expect(staff.get_by_role("region", name="Requests to be listed")).to_have_count(0)
    expect(
        staff.get_by_role("table", name="Listed specialists").get_by_role(
            "row", name=re.compile("Dr Dana One")
        )
    ).to_be_visible()
    assert_accessible(staff)

    # The specialist sees the new listing with Northside's price beside Calm's.
    page.reload()
    northside = listings.get_by_role("row", name=re.compile("Northside Clinic"))
    expect(northside).to_contain_text("Brand-fixed price")
    expect(northside).to_contain_text("50.00 GBP")
    expect(listings.get_by_role("row", name=re.compile("Calm Minds"))).to_contain_text("60.00 EUR")
    expect(page.get_by_role("region", name="Your listing requests")).to_contain_text("Approved")
    assert_accessible(page)
    assert Listing.objects.filter(
        brand=brand_b, specialist=specialist, visibility="listed"
    ).exists()
    assert ListingRequest.objects.get().status == ListingRequest.Status.APPROVED
