"""Checkouts at the same moment on PostgreSQL: the last items are sold exactly as far as
stock allows (the rest get a clear message and nothing changes), and one cart checked out
from two tabs at once makes one order."""

import pytest
from django.db import connection

from conftest import make_user
from hale.accounts.models import Patient
from hale.shop import access, actions
from hale.shop.errors import ShopError
from hale.shop.models import Order, Product
from tests.race import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.STRIPE_SECRET_KEY = ""


def _patients(brand, count):
    patients = []
    for i in range(count):
        user = make_user(f"buyer{i}@example.com", full_name=f"Buyer {i}")
        patients.append(
            Patient.objects.create(
                brand=brand, user=user, email=user.email, full_name=user.full_name
            )
        )
    return patients


def _checkout(patient, fingerprint):
    return lambda: actions.place_order(
        patient=patient, acting_user=patient.user, fingerprint=fingerprint
    )


def _classify(exc):
    from hale.payments.errors import PaymentError

    if isinstance(exc, ShopError | PaymentError):
        return f"refused: {exc.message}"
    return f"error: {exc!r}"


@pytest.mark.parametrize(("stock", "buyers", "each"), [(4, 12, 1), (5, 8, 2)])
def test_the_last_items_are_sold_exactly_as_far_as_stock_allows(brand_a, stock, buyers, each):
    product = Product.objects.create(
        brand=brand_a, sku="LAST", name="Last jar", price_minor=999, stock=stock
    )
    attempts = []
    for patient in _patients(brand_a, buyers):
        actions.add_to_cart(
            patient=patient, product=product, quantity=each, acting_user=patient.user
        )
        attempts.append(_checkout(patient, access.review_cart(patient).fingerprint))
    outcomes = race(attempts, classify=_classify)
    sold = stock // each
    assert outcomes.count("applied") == sold
    refused = [o for o in outcomes if o != "applied"]
    assert len(refused) == buyers - sold
    # Sold out while checking out, or already short when the cart was read: both say so.
    assert all(o.startswith(("refused: Sorry", "refused: Your cart changed")) for o in refused), (
        refused
    )
    product.refresh_from_db()
    assert product.stock == stock - sold * each
    assert Order.objects.count() == sold
    assert sum(o.lines.get().quantity for o in Order.objects.all()) == sold * each


def test_one_cart_checked_out_from_two_tabs_at_once_makes_one_order(brand_a):
    product = Product.objects.create(brand=brand_a, sku="TAB", name="Tea", price_minor=500)
    (patient,) = _patients(brand_a, 1)
    actions.add_to_cart(patient=patient, product=product, quantity=3, acting_user=patient.user)
    fingerprint = access.review_cart(patient).fingerprint
    outcomes = race([_checkout(patient, fingerprint) for _ in range(2)], classify=_classify)
    assert outcomes == ["applied", "refused: Your cart is empty."]
    assert Order.objects.count() == 1


def _restricted_order(brand):
    product = Product.objects.create(
        brand=brand, sku="RX", name="Rx item", price_minor=2000, stock=5, prescription_required=True
    )
    (patient,) = _patients(brand, 1)
    actions.add_to_cart(patient=patient, product=product, quantity=1, acting_user=patient.user)
    order = actions.place_order(
        patient=patient,
        acting_user=patient.user,
        fingerprint=access.review_cart(patient).fingerprint,
    )
    return patient, order


def test_two_staff_approving_at_once_make_one_payment(brand_a, staff_a):
    from hale.payments.models import Payment

    _patient, order = _restricted_order(brand_a)
    attempts = [
        (
            lambda: actions.approve_order(
                order=order, brand=brand_a, acting_user=staff_a, version=order.version
            )
        )
        for _ in range(5)
    ]
    outcomes = race(attempts, classify=_classify)
    assert outcomes.count("applied") == 1
    assert all(o.startswith("refused: This order was just changed") for o in outcomes[1:])
    order.refresh_from_db()
    assert order.approval == "approved" and Payment.objects.count() == 1


def test_the_patient_cancelling_while_staff_approve_ends_in_one_consistent_state(brand_a, staff_a):
    from hale.payments.models import Payment

    patient, order = _restricted_order(brand_a)
    outcomes = race(
        [
            lambda: actions.approve_order(
                order=order, brand=brand_a, acting_user=staff_a, version=order.version
            ),
            lambda: actions.cancel_order(
                order=order, acting_user=patient.user, version=order.version
            ),
        ],
        classify=_classify,
    )
    assert outcomes == [
        "applied",
        "refused: This order was just changed. Here is how it stands now.",
    ]
    order.refresh_from_db()
    product = Product.objects.get(sku="RX")
    if order.status == "cancelled":
        assert order.payment is None and product.stock == 5
    else:
        assert order.approval == "approved" and Payment.objects.get().status == "due"
        assert product.stock == 4


def test_staff_cancelling_while_the_payment_is_recorded_never_deadlocks(brand_a, staff_a):
    from hale.payments import actions as payments
    from hale.payments.models import Payment, Refund

    product = Product.objects.create(brand=brand_a, sku="P", name="Pot", price_minor=700, stock=3)
    (patient,) = _patients(brand_a, 1)
    for _round in range(5):
        actions.add_to_cart(patient=patient, product=product, quantity=1, acting_user=patient.user)
        order = actions.place_order(
            patient=patient,
            acting_user=patient.user,
            fingerprint=access.review_cart(patient).fingerprint,
        )
        payment = Payment.objects.get(pk=order.payment_id)
        outcomes = race(
            [
                lambda o=order: actions.cancel_order(
                    order=o, acting_user=staff_a, version=o.version, brand=brand_a
                ),
                lambda p=payment: payments.record_received(
                    payment=p, acting_user=staff_a, brand=brand_a
                ),
            ],
            classify=_classify,
        )
        assert "error" not in " ".join(outcomes), outcomes
        order.refresh_from_db()
        payment.refresh_from_db()
        assert order.status in ("cancelled", "refunded")
        # Either the cancel came first (nothing was due any more) or the money came first
        # and is being given back in full.
        if payment.is_paid:
            assert Refund.objects.get(payment=payment).amount_minor == payment.amount_minor
        else:
            assert payment.status == "cancelled"
    assert Product.objects.get(sku="P").stock == 3


def test_adding_the_same_product_from_two_tabs_at_once_keeps_one_line(brand_a):
    from hale.shop.models import CartItem

    product = Product.objects.create(brand=brand_a, sku="T", name="Tea", price_minor=300)
    (patient,) = _patients(brand_a, 1)
    outcomes = race(
        [
            lambda: actions.add_to_cart(
                patient=patient, product=product, quantity=1, acting_user=patient.user
            )
            for _ in range(4)
        ],
        classify=_classify,
    )
    assert outcomes == ["applied"] * 4
    assert CartItem.objects.get().quantity == 4
