"""axe-core finds no serious or critical violation on the pages that had no check yet: staff
brand settings, help editor, legal back office, staff listings, notification preferences,
the sessions list and the dev outbox — each with real content on it."""

import pytest
from django.core.mail import EmailMultiAlternatives
from playwright.sync_api import expect

from hale.matching import actions as matching_actions
from hale.tenancy.models import BrandMembership

STAFF_PAGES = [
    ("/staff/brands/calm/settings/", "Settings for"),
    ("/staff/brands/calm/help/", "Help Center articles"),
    ("/staff/brands/calm/help/new/", "Write an article"),
    ("/staff/brands/calm/legal/", "Terms and privacy"),
    ("/staff/brands/calm/legal/new/terms/", "new version"),
    ("/staff/brands/calm/listings/", "Specialists listed on"),
    ("/staff/brands/calm/consents/", "Consent"),
    ("/staff/brands/calm/consents/new/", "Consent"),
    ("/staff/brands/calm/forms/", "Intake forms"),
    ("/staff/brands/calm/forms/new/", "New form"),
    ("/staff/brands/calm/payments/", "Payments"),
    ("/staff/brands/calm/payments/settings/", "Payment settings"),
    ("/staff/brands/calm/plan/", "Plan of"),
    ("/staff/brands/calm/shop/products/", "Products"),
    ("/staff/brands/calm/shop/products/new/", "New product"),
    ("/staff/brands/calm/shop/products/import/", "Import products"),
    ("/staff/brands/calm/shop/orders/", "Orders"),
    ("/staff/brands/calm/booking-policy/", "Booking policy"),
]


@pytest.mark.parametrize(("path", "heading"), STAFF_PAGES)
def test_staff_back_office_pages_are_accessible(
    path, heading, page, server, login, staff_a, specialist, operator, assert_accessible
):
    matching_actions.list_specialist(
        brand=BrandMembership.objects.get(user=staff_a).brand,
        specialist=specialist,
        acting_user=operator,
    )
    login(page, server, staff_a, "localhost")
    response = page.goto(server.url("localhost", path))
    assert response is not None and response.status == 200, path
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading, ignore_case=True)
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/notifications/preferences/", "/account/sessions/"])
def test_patient_preferences_and_sessions_are_accessible(
    path, page, server, login, patient_a, assert_accessible
):
    login(page, server, patient_a.user, "calm.localhost")
    response = page.goto(server.url("calm.localhost", path))
    assert response is not None and response.status == 200, path
    assert_accessible(page)


def test_dev_outbox_list_and_email_are_accessible(
    page, server, settings, brand_a, assert_accessible
):
    settings.DEV_OUTBOX = True
    settings.MAILERS = {"default": {"BACKEND": "hale.notifications.outbox.OutboxEmailBackend"}}
    message = EmailMultiAlternatives(
        "Your sign-in code",
        "Your code is 123456.",
        "Calm <no-reply@calm.example>",
        ["a@example.com"],
    )
    message.attach_alternative("<p>Your code is <strong>123456</strong>.</p>", "text/html")
    server.call(message.send)
    page.goto(server.url("calm.localhost", "/dev/outbox/"))
    assert_accessible(page)
    page.get_by_role("link", name="Your sign-in code").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your sign-in code")
    assert_accessible(page)
