"""The shop, measured inside this process with the test client (the page benchmark measures
pages through the real server): the product grid's SQL queries with 20 and with 2,000
products (the page shows 24; they must be equal, else the benchmark fails), the grid's and
the cart's time to render, and ``place_order`` — cart check, stock taken, order, lines and
payment in one transaction — for a three-line cart."""

import statistics
import time

from django.test import Client

from bench.common import count_queries, median_ms, result

HOST = "shopbench.localhost"


def _seed(count: int):
    from hale.accounts.models import Patient, User
    from hale.shop.models import Category, Product
    from hale.tenancy.models import Brand, BrandDomain

    brand = Brand.objects.filter(slug="shopbench").first()
    if brand is None:
        brand = Brand.objects.create(slug="shopbench", name="Shop bench", plan="premium")
        BrandDomain.objects.create(brand=brand, domain=HOST, is_primary=True)
        user = User.objects.create_user(email="buyer@shopbench.example", password="x" * 12)
        Patient.objects.create(brand=brand, user=user, email=user.email, full_name="Buyer")
    shelves = [Category.objects.get_or_create(brand=brand, name=f"Shelf {i}")[0] for i in range(8)]
    have = Product.objects.filter(brand=brand).count()
    Product.objects.bulk_create(
        Product(
            brand=brand,
            sku=f"P{i:05d}",
            name=f"Product {i}",
            description="A fine product for the benchmark.",
            category=shelves[i % 8],
            price_minor=100 + i,
            tax_rate_bp=(0, 550, 2000)[i % 3],
            stock=None if i % 2 else 1_000_000,
        )
        for i in range(have, count)
    )
    patient = Patient.objects.get(brand=brand, email="buyer@shopbench.example")
    return brand, patient


def _client(patient) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(patient.user)
    client.get("/")  # settle the session and the cart count
    return client


def run() -> list[dict]:
    from hale.shop import access, actions
    from hale.shop.models import Product

    results = []
    brand, patient = _seed(20)
    client = _client(patient)
    small = count_queries(lambda: client.get("/shop/"))
    _seed(2000)
    large = count_queries(lambda: client.get("/shop/"))
    if small != large:
        raise SystemExit(f"shop grid queries grow with the catalogue: {small} → {large}")
    results.append(
        result("shop grid queries, 2,000 products", large, "queries", f"= {small} (20 products)")
    )
    results.append(
        result(
            "shop grid, 2,000 products",
            median_ms(lambda: client.get("/shop/?q=Product+1")),
            "ms",
            "",
        )
    )
    products = list(Product.objects.filter(brand=brand).order_by("pk")[:3])
    for product in products:
        actions.add_to_cart(patient=patient, product=product, quantity=2, acting_user=patient.user)
    results.append(
        result("cart page, 3 lines", median_ms(lambda: client.get("/shop/cart/")), "ms", "")
    )
    samples = []
    for _ in range(40):
        for product in products:
            actions.add_to_cart(
                patient=patient, product=product, quantity=1, acting_user=patient.user
            )
        fingerprint = access.review_cart(patient).fingerprint
        start = time.perf_counter()
        actions.place_order(patient=patient, acting_user=patient.user, fingerprint=fingerprint)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    results.append(result("place order p50, 3 lines", statistics.median(samples), "ms", ""))
    results.append(
        result("place order p95, 3 lines", samples[int(len(samples) * 0.95) - 1], "ms", "")
    )
    return results
