"""The demo shop: Calm Minds' catalogue with pictures and Alex's orders in each state."""

import pytest

from hale.demo import seed as demo
from hale.shop.models import Order, Product

pytestmark = pytest.mark.django_db


def test_the_demo_shop_has_a_catalogue_and_orders_in_each_state(settings, private_storage):
    settings.STRIPE_SECRET_KEY = ""
    demo.seed()
    calm = Product.objects.filter(brand__slug="calm")
    assert calm.count() == 8 and all(p.images.exists() for p in calm)
    assert calm.filter(prescription_required=True).exists()
    assert calm.filter(consultation_required=True).exists()
    assert calm.filter(stock=0).exists()
    assert not Product.objects.filter(brand__slug="northside").exists()
    orders = Order.objects.filter(patient__email="alex@calm.example")
    assert sorted(orders.values_list("status", "approval")) == [
        ("completed", "not_needed"),
        ("pending", "awaiting"),
        ("ready", "not_needed"),
    ]
    assert orders.get(status="completed").payment.is_paid
    demo.seed()  # idempotent
    assert Product.objects.filter(brand__slug="calm").count() == 8 and orders.count() == 3
