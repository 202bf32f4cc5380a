"""Journeys of the shop in Chromium, against Stripe on loopback: a patient searches the
shop, fills the cart from the grid and the drawer, finds it again after signing out and in,
checks out, pays on Stripe's page and lands on the order confirmation with its invoice;
an order with a prescription item waits for staff, who approve it (the patient then pays)
or decline it with a reason the patient reads."""

import re

from playwright.sync_api import expect

from hale.shop.models import Category, Order, Product

WEBHOOK = "/payments/stripe/webhook/"


def _catalogue(brand):
    vitamins = Category.objects.create(brand=brand, name="Vitamins")
    Product.objects.create(
        brand=brand,
        sku="MG",
        name="Magnesium glycinate",
        category=vitamins,
        description="Gentle evening capsules.",
        price_minor=1650,
        tax_rate_bp=2000,
        stock=5,
    )
    Product.objects.create(
        brand=brand,
        sku="D3",
        name="Vitamin D3 drops",
        category=vitamins,
        price_minor=1299,
        tax_rate_bp=550,
    )
    Product.objects.create(
        brand=brand,
        sku="MEL",
        name="Melatonin",
        price_minor=1450,
        stock=3,
        prescription_required=True,
    )
    Product.objects.create(brand=brand, sku="OUT", name="Sleep mask", price_minor=900, stock=0)


def _pay_on_stripe(page):
    expect(page.get_by_role("button", name="Pay")).to_be_visible()
    page.get_by_label("Card number").fill("4242424242424242")
    page.get_by_label("Expiry").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Alice Patient")
    page.get_by_role("button", name="Pay").click()


def test_patient_searches_fills_the_cart_and_pays_for_an_order(
    page, server, login, patient_a, fake_stripe, assert_accessible
):
    fake_stripe.set_webhook_url(server.url("localhost", WEBHOOK))
    server.call(lambda: _catalogue(patient_a.brand))
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shop")
    grid = page.get_by_role("main")
    expect(grid).to_contain_text("Out of stock")  # the sleep mask, shown as unavailable
    expect(grid.locator(".badge--rx")).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Search products").fill("evening")
    page.get_by_role("button", name="Search").click()
    expect(grid.get_by_role("heading", level=2)).to_have_text(["Magnesium glycinate"])
    # Add from the grid: the drawer opens with the cart, the header counts the items.
    page.get_by_role("button", name="Add to cart Magnesium glycinate").click()
    drawer = page.get_by_role("dialog", name="Your cart")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("Magnesium glycinate")
    drawer.get_by_label("Quantity of Magnesium glycinate").fill("2")
    drawer.get_by_role("button", name="Update").click()
    expect(page.locator("[data-cart-count]")).to_have_text("2")
    assert_accessible(page)
    drawer.get_by_role("button", name="Close").click()
    # A product page: add another item.
    page.get_by_label("Search products").fill("")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Vitamin D3 drops").click()
    page.get_by_role("button", name="Add to cart Vitamin D3 drops").click()
    expect(page.locator("[data-cart-count]")).to_have_text("3")
    # The cart is kept across signing out and in.
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    login(page, server, patient_a.user, "calm.localhost")  # a new session
    page.goto(server.url("calm.localhost", "/"))
    expect(page.locator("[data-cart-count]")).to_have_text("3")
    page.get_by_role("link", name="Cart, 3 items").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    page.get_by_role("link", name="Checkout").click()
    # 2 × 16.50 + 20 % = 39.60; 12.99 + 5.5 % (0.71) = 13.70 → 53.30
    main = page.get_by_role("main")
    expect(main).to_contain_text("Tax at 20 %")
    expect(main).to_contain_text("Tax at 5.5 %")
    expect(main).to_contain_text("53.30")
    assert_accessible(page)
    page.get_by_label("Order notes (optional)").fill("I will collect on Friday")
    page.get_by_role("button", name="Pay now").click()
    _pay_on_stripe(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order")
    expect(page.get_by_role("status").filter(has_text="is confirmed")).to_be_visible()
    assert_accessible(page)
    order = server.call(lambda: Order.objects.select_related("payment").get())
    assert order.status == "processing" and order.payment.status == "paid"
    assert order.total_minor == 5330 and order.notes == "I will collect on Friday"
    assert server.call(lambda: Product.objects.get(sku="MG").stock) == 3
    with page.expect_download() as download:
        page.get_by_role("link", name="Download invoice (PDF)").click()
    assert download.value.suggested_filename == f"invoice-{order.number}.pdf"
    expect(page.locator("[data-cart-count]")).to_be_hidden()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    expect(page.get_by_role("main")).to_contain_text(order.number)
    expect(page.get_by_role("main")).to_contain_text("Processing")
    assert_accessible(page)


def test_a_prescription_order_is_approved_then_paid_or_declined_with_a_reason(
    page, new_page, server, login, patient_a, staff_a, fake_stripe, assert_accessible
):
    fake_stripe.set_webhook_url(server.url("localhost", WEBHOOK))
    server.call(lambda: _catalogue(patient_a.brand))
    login(page, server, patient_a.user, "calm.localhost")

    def order_melatonin():
        page.goto(server.url("calm.localhost", "/shop/"))
        page.get_by_role("button", name="Add to cart Melatonin").click()
        expect(page.get_by_role("dialog", name="Your cart")).to_contain_text("Melatonin")
        page.goto(server.url("calm.localhost", "/shop/checkout/"))
        expect(page.get_by_role("main")).to_contain_text("The clinic checks it first")
        page.get_by_role("button", name="Place order for approval").click()
        expect(
            page.get_by_role("status").filter(has_text="needs the clinic's approval")
        ).to_be_visible()
        expect(page.get_by_role("button", name="Pay now")).to_have_count(0)
        return re.search(r"/orders/([0-9a-f-]+)/", page.url).group(1)

    first = order_melatonin()
    staff = new_page()
    login(staff, server, staff_a)
    staff.goto(server.url("localhost", "/staff/brands/calm/shop/orders/?status=approval"))
    assert_accessible(staff)
    staff.get_by_role("link", name=re.compile(r"^OR-")).click()
    assert_accessible(staff)
    staff.get_by_role("button", name="Approve order").click()
    expect(staff.get_by_role("status").filter(has_text="is approved")).to_be_visible()
    page.goto(server.url("calm.localhost", f"/orders/{first}/"))
    page.get_by_role("button", name="Pay now").click()
    _pay_on_stripe(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order")

    second = order_melatonin()
    staff.goto(server.url("localhost", f"/staff/brands/calm/shop/orders/{second}/"))
    staff.get_by_role("button", name="Decline order").click()
    expect(staff.get_by_text("Please tell the patient why the order is declined.")).to_be_visible()
    staff.get_by_label("Reason for declining (the patient sees it)").fill(
        "Please book a session first so your specialist can prescribe it."
    )
    staff.get_by_role("button", name="Decline order").click()
    expect(staff.get_by_role("status").filter(has_text="is declined")).to_be_visible()
    page.goto(server.url("calm.localhost", f"/orders/{second}/"))
    expect(page.get_by_role("main")).to_contain_text("Please book a session first")
    expect(page.get_by_role("main")).to_contain_text("Cancelled")
    assert server.call(lambda: Product.objects.get(sku="MEL").stock) == 2
