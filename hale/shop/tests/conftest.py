"""Shop personas: a few products on Calm Minds (one taxed at an awkward rate, one with two
left in stock, one prescription item) and helpers to fill a cart and place an order."""

import pytest

from hale.shop import access, actions
from hale.shop.models import Category, Product


@pytest.fixture
def products(brand_a):
    vitamins = Category.objects.create(brand=brand_a, name="Vitamins")
    return {
        "d3": Product.objects.create(
            brand=brand_a,
            sku="D3",
            name="Vitamin D3 drops",
            description="Daily drops for the winter months.",
            category=vitamins,
            price_minor=1299,
            tax_rate_bp=2000,
            stock=None,
        ),
        "magnesium": Product.objects.create(
            brand=brand_a,
            sku="MG",
            name="Magnesium glycinate",
            category=vitamins,
            price_minor=333,
            tax_rate_bp=550,
            stock=2,
        ),
        "rx": Product.objects.create(
            brand=brand_a,
            sku="RX1",
            name="Sleep aid",
            price_minor=2500,
            tax_rate_bp=0,
            stock=10,
            prescription_required=True,
        ),
        "hidden": Product.objects.create(
            brand=brand_a, sku="H", name="Staff only", price_minor=100, visible_in_portal=False
        ),
    }


@pytest.fixture
def fill_cart():
    def fill(patient, *pairs):
        for product, quantity in pairs:
            actions.add_to_cart(
                patient=patient, product=product, quantity=quantity, acting_user=patient.user
            )
        return access.review_cart(patient)

    return fill


@pytest.fixture
def place(fill_cart):
    def place_order(patient, *pairs, notes=""):
        review = fill_cart(patient, *pairs)
        return actions.place_order(
            patient=patient,
            acting_user=patient.user,
            notes=notes,
            fingerprint=review.fingerprint,
        )

    return place_order


@pytest.fixture
def patient_a2(brand_a):
    from conftest import make_user
    from hale.accounts.models import Patient

    user = make_user("patient.a2@example.com", full_name="Ada Second")
    return Patient.objects.create(
        brand=brand_a, user=user, email=user.email, full_name=user.full_name
    )
