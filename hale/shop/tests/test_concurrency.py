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
    return f"refused: {exc.message}" if isinstance(exc, ShopError) else f"error: {exc!r}"


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
