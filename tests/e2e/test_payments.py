"""Journeys of payments in Chromium, against Stripe on loopback: a patient books a paid
session, sees the hold's countdown, pays on the payment page (a declined card first) and is
confirmed — by the webhook alone when they never come back; the specialist sees the revenue;
staff refund by hand; with the offline provider, staff record a payment due at the clinic."""

import re

import pytest
from playwright.sync_api import expect

from hale.payments.models import LedgerEntry, Payment
from hale.scheduling.models import Appointment
from tests.e2e.test_booking import _open_every_day

WEBHOOK = "/payments/stripe/webhook/"


def _book(page, server, specialist):
    page.goto(server.url("calm.localhost", "/"))
    page.get_by_role("link", name=f"Book with {specialist.display_name}").click()
    page.get_by_role("main").get_by_role("link", name=re.compile(r"\d\d:\d\d$")).first.click()
    page.get_by_role("button", name="Confirm booking").click()


def test_patient_pays_a_held_booking_after_a_declined_card(
    page, server, login, patient_a, specialist, staff_a, fake_stripe, assert_accessible
):
    fake_stripe.set_webhook_url(server.url("localhost", WEBHOOK))
    _open_every_day(specialist)
    login(page, server, patient_a.user, "calm.localhost")
    _book(page, server, specialist)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your session")
    countdown = page.locator("[data-hold-remaining]")
    expect(countdown).to_have_text(re.compile(r"\((9|10):\d\d\)"))
    expect(page.get_by_role("main")).to_contain_text("60.00 EUR")
    assert_accessible(page)
    page.get_by_role("button", name="Pay now").click()
    expect(page.get_by_role("button", name="Pay")).to_be_visible()
    page.get_by_label("Card number").fill("4000000000000002")
    page.get_by_label("Expiry").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Alice Patient")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_text("Your card was declined.")).to_be_visible()
    page.get_by_label("Card number").fill("4242424242424242")
    page.get_by_label("Expiry").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Alice Patient")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    expect(page.get_by_role("status").filter(has_text="is confirmed")).to_be_visible()
    assert_accessible(page)
    payment = server.call(lambda: Payment.objects.get())
    assert payment.status == "paid"
    assert server.call(lambda: Appointment.objects.get().status) == "confirmed"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download receipt (PDF)").click()
    assert download.value.suggested_filename == f"receipt-{payment.number}.pdf"
    page.goto(server.url("calm.localhost", "/payments/"))
    expect(page.get_by_role("main")).to_contain_text(payment.number)
    assert_accessible(page)

    # Staff refund part of it by hand, with a reason; the patient sees it.
    staff_page = page.context.browser.new_context().new_page()
    login(staff_page, server, staff_a)
    staff_page.goto(server.url("localhost", f"/staff/brands/calm/payments/{payment.uuid}/"))
    assert_accessible(staff_page)
    staff_page.get_by_label("Amount to refund").fill("100")
    staff_page.get_by_label("Reason").fill("Too much")
    staff_page.get_by_role("button", name="Refund").click()
    expect(staff_page.get_by_text("That is more than is left to refund.")).to_be_visible()
    staff_page.get_by_label("Amount to refund").fill("15.00")
    staff_page.get_by_label("Reason").fill("The session started late")
    staff_page.get_by_role("button", name="Refund").click()
    expect(staff_page.get_by_role("status").filter(has_text="on its way")).to_be_visible()
    server.wait_idle()
    for _ in range(50):
        if server.call(lambda: Payment.objects.get().refunded_minor) == 1500:
            break
        staff_page.wait_for_timeout(100)
    assert server.call(lambda: Payment.objects.get().status) == "partially_refunded"
    staff_page.context.close()


def test_the_webhook_confirms_when_the_patient_never_returns(
    page, new_page, server, login, patient_a, specialist, fake_stripe, assert_accessible
):
    fake_stripe.set_webhook_url(server.url("localhost", WEBHOOK))
    _open_every_day(specialist)
    login(page, server, patient_a.user, "calm.localhost")
    _book(page, server, specialist)
    page.get_by_role("button", name="Pay now").click()
    session_id = page.url.rsplit("/", 1)[-1]
    page.close()  # the browser never comes back from the payment page
    assert fake_stripe.pay_checkout(session_id) == 303
    fake_stripe.wait_for_event("checkout.session.completed")
    for _ in range(100):
        if server.call(lambda: Appointment.objects.get().status) == "confirmed":
            break
        server.wait_idle()
        import time

        time.sleep(0.1)
    assert server.call(lambda: Appointment.objects.get().status) == "confirmed"
    assert server.call(lambda: LedgerEntry.objects.filter(kind="payment").count()) == 1
    practice = new_page()
    login(practice, server, specialist.user)
    practice.goto(server.url("localhost", "/practice/payments/"))
    expect(practice.get_by_role("main")).to_contain_text("51.00 EUR")
    assert_accessible(practice)


@pytest.mark.usefixtures("settings")
def test_offline_booking_is_due_until_staff_record_it(
    page, new_page, server, login, patient_a, specialist, staff_a, settings, assert_accessible
):
    settings.STRIPE_SECRET_KEY = ""
    _open_every_day(specialist)
    login(page, server, patient_a.user, "calm.localhost")
    _book(page, server, specialist)
    expect(page.get_by_role("status").filter(has_text="booked")).to_contain_text(
        "Your session is booked"
    )
    expect(page.get_by_role("main")).to_contain_text("Due (pay at the clinic)")
    staff = new_page()
    login(staff, server, staff_a)
    staff.goto(server.url("localhost", "/staff/brands/calm/payments/?status=due"))
    assert_accessible(staff)
    staff.get_by_role("link", name=re.compile(r"^HL-")).click()
    staff.get_by_role("button", name="Record as received").click()
    expect(staff.get_by_role("status").filter(has_text="Recorded as received")).to_be_visible()
    page.reload()
    expect(page.get_by_role("main")).to_contain_text("Receipt HL-")
    page.goto(server.url("calm.localhost", "/payments/cards/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved cards")
    assert_accessible(page)
