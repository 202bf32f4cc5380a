"""Carts and orders with the offline provider (pay at the clinic): the cart persists and is
checked against the catalogue, checkout freezes prices and takes stock, restricted orders
wait for approval, staff move orders on, cancelling gives the stock back, the invoice."""

import pytest
from django.core import mail

from hale.core.audit import AuditEvent
from hale.core.pdf import pdf_text
from hale.notifications.models import Notification
from hale.payments import actions as payments
from hale.payments.models import LedgerEntry, Payment
from hale.shop import access, actions, invoice
from hale.shop.errors import CartChanged, ShopError
from hale.shop.models import CartItem, Order, Product

pytestmark = pytest.mark.django_db

CALM = "calm.localhost"


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.STRIPE_SECRET_KEY = ""


def test_the_cart_keeps_items_across_sign_out_and_sign_in(
    client_for, patient_a, products, fill_cart
):
    c = client_for(patient_a.user, CALM)
    response = c.post(f"/shop/cart/add/{products['d3'].uuid}/", {"quantity": "2"})
    assert response.status_code == 302
    c.post("/accounts/logout/")
    again = client_for(patient_a.user, CALM)  # a new session (another device)
    page = again.get("/shop/cart/").content.decode()
    assert "Vitamin D3 drops" in page and 'value="2"' in page
    assert access.cart_count(patient_a.brand, patient_a.user) == 2
    assert "Cart, 2 items" in again.get("/").content.decode()  # the header icon


def test_bad_quantities_are_refused_and_change_nothing(client_for, patient_a, products):
    c = client_for(patient_a.user, CALM)
    for bad in ["0", "-1", "abc", "100", ""]:
        response = c.post(f"/shop/cart/add/{products['d3'].uuid}/", {"quantity": bad}, follow=True)
        assert "Enter a quantity from 1 to 99." in response.content.decode()
    assert not CartItem.objects.exists()
    # More than in stock
    response = c.post(
        f"/shop/cart/add/{products['magnesium'].uuid}/", {"quantity": "3"}, follow=True
    )
    assert "Only 2 of Magnesium glycinate left." in response.content.decode()
    assert not CartItem.objects.exists()


def test_hidden_and_other_brands_products_answer_404(client_for, patient_a, products, brand_b):
    other = Product.objects.create(brand=brand_b, sku="X", name="Other", price_minor=100)
    c = client_for(patient_a.user, CALM)
    for product in (products["hidden"], other):
        assert c.get(f"/shop/products/{product.uuid}/").status_code == 404
        assert c.post(f"/shop/cart/add/{product.uuid}/", {"quantity": 1}).status_code == 404
    grid = c.get("/shop/").content.decode()
    assert "Vitamin D3 drops" in grid and "Staff only" not in grid and "Other" not in grid


def test_search_and_category_filter(client_for, patient_a, products):
    c = client_for(patient_a.user, CALM)
    found = c.get("/shop/", {"q": "winter"}).content.decode()  # in the description
    assert "Vitamin D3 drops" in found and "Sleep aid" not in found
    category = products["d3"].category
    shelf = c.get("/shop/", {"category": category.pk}).content.decode()
    assert "Magnesium glycinate" in shelf and "Sleep aid" not in shelf
    assert "No products match your search." in c.get("/shop/", {"q": "zzz"}).content.decode()
    rx = c.get(f"/shop/products/{products['rx'].uuid}/").content.decode()
    assert "Rx" in rx and "prescription item" in rx


def test_checkout_freezes_prices_takes_stock_and_is_due_at_the_clinic(
    client_for, patient_a, products, fill_cart, django_capture_on_commit_callbacks
):
    review = fill_cart(patient_a, (products["d3"], 2), (products["magnesium"], 1))
    c = client_for(patient_a.user, CALM)
    page = c.get("/shop/checkout/").content.decode()
    assert "Tax at 20 %" in page and "Tax at 5.5 %" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/shop/checkout/", {"fingerprint": review.fingerprint, "notes": "Pick up Friday"}
        )
    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.uuid}/"
    # 2 × 12.99 at 20 % = 25.98 + 5.20; 3.33 at 5.5 % = 0.18
    assert (order.subtotal_minor, order.tax_minor, order.total_minor) == (2931, 538, 3469)
    assert order.status == "processing" and order.notes == "Pick up Friday"
    assert order.payment.status == "due" and order.payment.amount_minor == 3469
    assert order.payment.provider == "offline" and order.payment.specialist is None
    assert Product.objects.get(pk=products["magnesium"].pk).stock == 1
    assert not CartItem.objects.exists() and access.cart_count(patient_a.brand, patient_a.user) == 0
    # Prices are frozen: a later change does not touch the order.
    Product.objects.filter(pk=products["d3"].pk).update(price_minor=9999, tax_rate_bp=0)
    line = order.lines.get(sku="D3")
    assert (line.unit_price_minor, line.tax_rate_bp, line.net_minor, line.tax_minor) == (
        1299,
        2000,
        2598,
        520,
    )
    assert [m.subject for m in mail.outbox if patient_a.email in m.to] == [
        f"Order {order.number} received"
    ]
    # The invoice has the same figures as the page.
    text = pdf_text(invoice.invoice_pdf(order))
    assert order.number in text and "34.69" in text and "5.20" in text and "Pick up Friday" in text
    detail = c.get(f"/orders/{order.uuid}/").content.decode()
    assert "34.69" in detail and "You pay when you collect your order" in detail
    assert c.get(f"/orders/{order.uuid}/invoice.pdf")["Content-Type"] == "application/pdf"


def test_a_changed_price_or_stock_is_told_before_paying_and_nothing_is_ordered(
    client_for, patient_a, products, fill_cart
):
    review = fill_cart(patient_a, (products["d3"], 1), (products["magnesium"], 2))
    Product.objects.filter(pk=products["d3"].pk).update(price_minor=1499)
    Product.objects.filter(pk=products["magnesium"].pk).update(stock=1)
    c = client_for(patient_a.user, CALM)
    page = c.get("/shop/checkout/").content.decode()
    assert "The price of Vitamin D3 drops changed since you added it." in page
    assert "Only 1 of Magnesium glycinate left." in page
    response = c.post("/shop/checkout/", {"fingerprint": review.fingerprint})
    assert response.status_code == 409 and "Your cart changed" in response.content.decode()
    assert not Order.objects.exists() and Product.objects.get(sku="MG").stock == 1
    # Accepting the changes shows today's prices and lowers what ran short.
    c.post("/shop/cart/accept/")
    review = access.review_cart(patient_a)
    assert not review.problems
    assert [(line.product.sku, line.item.quantity) for line in review.lines] == [
        ("D3", 1),
        ("MG", 1),
    ]


def test_a_checkout_from_a_page_showing_another_cart_is_refused(patient_a, products, fill_cart):
    stale = fill_cart(patient_a, (products["d3"], 1)).fingerprint
    fill_cart(patient_a, (products["d3"], 1))  # another tab added one more
    with pytest.raises(CartChanged):
        actions.place_order(patient=patient_a, acting_user=patient_a.user, fingerprint=stale)
    assert not Order.objects.exists()


def test_sold_out_between_cart_and_checkout(patient_a, patient_a2, products, place, fill_cart):
    review = fill_cart(patient_a2, (products["magnesium"], 2))
    place(patient_a, (products["magnesium"], 2))
    with pytest.raises(ShopError) as refused:
        actions.place_order(
            patient=patient_a2, acting_user=patient_a2.user, fingerprint=review.fingerprint
        )
    assert "out of stock" in str(refused.value.message) or "Your cart changed" in str(
        refused.value.message
    )
    assert Order.objects.count() == 1 and Product.objects.get(sku="MG").stock == 0


def test_restricted_orders_wait_for_approval_then_can_be_paid(
    client_for, patient_a, staff_a, products, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(patient_a, (products["rx"], 1), (products["d3"], 1))
    assert order.approval == "awaiting" and order.status == "pending" and order.payment is None
    assert Notification.objects.filter(user=staff_a, kind="shop.order_to_approve").exists()
    c = client_for(patient_a.user, CALM)
    page = c.get(f"/orders/{order.uuid}/").content.decode()
    assert "The clinic is checking your order" in page and "Pay now" not in page
    staff = client_for(staff_a)
    url = f"/staff/brands/calm/shop/orders/{order.uuid}/"
    assert "Approve order" in staff.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url + "approve/", {"version": order.version})
    order.refresh_from_db()
    assert order.approval == "approved" and order.status == "processing"
    assert order.payment.status == "due"
    assert Notification.objects.filter(
        user=patient_a.user, kind="shop.order", title=f"Order {order.number} is approved"
    ).exists()
    # A second approval from the same (now stale) page changes nothing.
    response = staff.post(url + "approve/", {"version": 1}, follow=True)
    assert "This order was just changed" in response.content.decode()
    assert Payment.objects.count() == 1


def test_declining_needs_a_reason_tells_the_patient_and_gives_stock_back(
    client_for, patient_a, staff_a, products, place, django_capture_on_commit_callbacks
):
    order = place(patient_a, (products["rx"], 3))
    assert Product.objects.get(sku="RX1").stock == 7
    staff = client_for(staff_a)
    url = f"/staff/brands/calm/shop/orders/{order.uuid}/"
    response = staff.post(url + "decline/", {"version": order.version, "reason": " "}, follow=True)
    assert "Please tell the patient why" in response.content.decode()
    order.refresh_from_db()
    assert order.approval == "awaiting"
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url + "decline/", {"version": order.version, "reason": "Needs a review first"})
    order.refresh_from_db()
    assert (order.approval, order.status) == ("declined", "cancelled")
    assert Product.objects.get(sku="RX1").stock == 10
    note = Notification.objects.get(user=patient_a.user, kind="shop.order")
    assert "Needs a review first" in note.body
    assert (
        "Needs a review first"
        in client_for(patient_a.user, CALM).get(f"/orders/{order.uuid}/").content.decode()
    )


def test_staff_move_an_order_on_and_the_patient_is_told_at_each_step(
    client_for, patient_a, staff_a, products, place, django_capture_on_commit_callbacks
):
    order = place(patient_a, (products["d3"], 1))
    staff = client_for(staff_a)
    url = f"/staff/brands/calm/shop/orders/{order.uuid}/"
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url + "status/", {"version": order.version, "status": "ready"})
    order.refresh_from_db()
    assert order.status == "ready"
    # Completing needs the payment recorded first.
    response = staff.post(
        url + "status/", {"version": order.version, "status": "completed"}, follow=True
    )
    assert "Record the payment before completing the order." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_received(payment=order.payment, acting_user=staff_a, brand=order.brand)
    order.refresh_from_db()
    assert order.payment.status == "paid"
    assert (
        LedgerEntry.objects.filter(payment=order.payment, kind="payment").get().amount_minor == 1559
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url + "status/", {"version": order.version, "status": "completed"})
    order.refresh_from_db()
    assert order.status == "completed"
    titles = list(
        Notification.objects.filter(user=patient_a.user, kind="shop.order").values_list(
            "title", flat=True
        )
    )
    assert f"Order {order.number} is ready for pickup" in titles
    assert f"Order {order.number} is completed" in titles
    assert f"Order {order.number} is confirmed" in titles  # the payment
    # A move the status machine does not allow
    response = staff.post(
        url + "status/", {"version": order.version, "status": "ready"}, follow=True
    )
    assert "cannot move from Completed" in response.content.decode()
    assert AuditEvent.objects.filter(action="shop.order_status").count() == 2


def test_cancelling_gives_stock_back_and_a_paid_order_is_refunded(
    client_for, patient_a, staff_a, products, place, django_capture_on_commit_callbacks
):
    order = place(patient_a, (products["magnesium"], 2))
    c = client_for(patient_a.user, CALM)
    c.post(f"/orders/{order.uuid}/cancel/", {"version": order.version})
    order.refresh_from_db()
    assert order.status == "cancelled" and order.payment.status == "cancelled"
    assert Product.objects.get(sku="MG").stock == 2
    # A paid order: only staff cancel it, and it is refunded in full.
    paid = place(patient_a, (products["magnesium"], 1))
    payments.record_received(payment=paid.payment, acting_user=staff_a, brand=paid.brand)
    paid.refresh_from_db()
    response = c.post(f"/orders/{paid.uuid}/cancel/", {"version": paid.version}, follow=True)
    assert "contact the clinic" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff_a).post(
            f"/staff/brands/calm/shop/orders/{paid.uuid}/cancel/",
            {"version": paid.version, "reason": "Out of date batch"},
        )
    paid.refresh_from_db()
    assert paid.status == "refunded" and paid.payment.status == "refunded"
    assert Product.objects.get(sku="MG").stock == 2


def test_others_orders_and_other_brands_answer_404(
    client_for, patient_a, patient_a2, staff_b, products, place
):
    order = place(patient_a, (products["d3"], 1))
    other = client_for(patient_a2.user, CALM)
    for path in ("", "invoice.pdf"):
        assert other.get(f"/orders/{order.uuid}/{path}").status_code == 404
    assert other.post(f"/orders/{order.uuid}/cancel/", {"version": 1}).status_code == 404
    item = actions.add_to_cart(
        patient=patient_a, product=products["d3"], quantity=1, acting_user=patient_a.user
    )
    assert other.post(f"/shop/cart/items/{item.pk}/", {"quantity": 3}).status_code == 404
    assert other.post(f"/shop/cart/items/{item.pk}/remove/").status_code == 404
    staff = client_for(staff_b)
    assert staff.get(f"/staff/brands/calm/shop/orders/{order.uuid}/").status_code == 404
    assert staff.get("/staff/brands/calm/shop/orders/").status_code == 404


def test_the_shop_is_absent_on_a_professional_plan(client_for, patient_a, staff_a, products, place):
    order = place(patient_a, (products["d3"], 1))
    patient_a.brand.plan = "professional"
    patient_a.brand.save()
    c = client_for(patient_a.user, CALM)
    for path in (
        "/shop/",
        f"/shop/products/{products['d3'].uuid}/",
        "/shop/cart/",
        "/orders/",
        f"/orders/{order.uuid}/",
    ):
        assert c.get(path).status_code == 404, path
    home = c.get("/").content.decode()
    assert "/shop/" not in home and "/orders/" not in home
    assert client_for(staff_a).get("/staff/brands/calm/shop/orders/").status_code == 404


def test_the_order_queue_filters_by_status(client_for, patient_a, staff_a, products, place):
    plain = place(patient_a, (products["d3"], 1))
    restricted = place(patient_a, (products["rx"], 1))
    staff = client_for(staff_a)
    waiting = staff.get("/staff/brands/calm/shop/orders/", {"status": "approval"}).content.decode()
    assert restricted.number in waiting and plain.number not in waiting
    processing = staff.get(
        "/staff/brands/calm/shop/orders/", {"status": "processing"}
    ).content.decode()
    assert plain.number in processing and restricted.number not in processing


def test_cart_drawer_answers_htmx_with_the_panel_and_the_new_count(client_for, patient_a, products):
    c = client_for(patient_a.user, CALM)
    response = c.post(
        f"/shop/cart/add/{products['d3'].uuid}/", {"quantity": "3"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert '"count": 3' in response["HX-Trigger"]
    body = response.content.decode()
    assert 'id="cart-panel"' in body and "<html" not in body
    item = CartItem.objects.get()
    response = c.post(
        f"/shop/cart/items/{item.pk}/", {"quantity": "1"}, headers={"HX-Request": "true"}
    )
    assert '"count": 1' in response["HX-Trigger"]
    response = c.post("/shop/cart/clear/", headers={"HX-Request": "true"})
    assert (
        '"count": 0' in response["HX-Trigger"]
        and "Your cart is empty." in response.content.decode()
    )


def test_the_data_export_lists_orders_and_deletion_cancels_open_unpaid_ones(
    patient_a, staff_a, products, place, fill_cart
):
    from hale.shop.data_rights import erase_orders, export_orders

    kept = place(patient_a, (products["d3"], 1), notes="Leave at reception")
    payments.record_received(payment=kept.payment, acting_user=staff_a, brand=kept.brand)
    open_order = place(patient_a, (products["magnesium"], 2))
    fill_cart(patient_a, (products["d3"], 1))
    data = export_orders(patient_a.user).data
    assert [o["order"] for o in data["orders"]] == [kept.number, open_order.number]
    assert data["orders"][0]["lines"][0]["sku"] == "D3" and data["orders"][0]["total_minor"] == 1559
    assert data["cart"] == [{"product": "Vitamin D3 drops", "quantity": 1}]
    erase_orders(patient_a.user, acting_user=patient_a.user)
    open_order.refresh_from_db()
    kept.refresh_from_db()
    assert open_order.status == "cancelled" and Product.objects.get(sku="MG").stock == 2
    assert kept.status == "processing" and kept.notes == ""  # an accounting record, kept
    assert not CartItem.objects.exists()


def test_the_grid_and_the_cart_ask_a_constant_number_of_queries(
    client_for, patient_a, products, fill_cart
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(patient_a.user, CALM)
    c.get("/shop/")

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(path).status_code == 200
        return len(ctx.captured_queries)

    few_grid = queries("/shop/")
    fill_cart(patient_a, (products["d3"], 1))
    few_cart = queries("/shop/cart/")
    Product.objects.bulk_create(
        Product(brand=patient_a.brand, sku=f"B{i}", name=f"Bulk {i}", price_minor=100 + i)
        for i in range(60)
    )
    for product in Product.objects.filter(sku__startswith="B")[:10]:
        fill_cart(patient_a, (product, 1))
    assert queries("/shop/") == few_grid
    assert queries("/shop/cart/") == few_cart
