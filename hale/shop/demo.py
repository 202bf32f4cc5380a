"""Demo shop on Calm Minds (Premium plan): a small catalogue in four categories with
pictures, a prescription item and a consultation-required one, one item nearly sold out and
one out of stock; Alex has a completed order, one ready for pickup, one waiting for the
clinic's approval and something in the cart. Northside is on the Professional plan, so it
has no shop. Idempotent: a brand with products is left alone."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from hale.accounts.models import Patient
from hale.core.uploads import store_upload
from hale.payments import actions as payments
from hale.payments.models import Payment
from hale.shop import access, actions
from hale.shop.models import Category, Product, ProductImage
from hale.tenancy.models import BrandMembership

CATALOGUE = [
    # sku, name, category, price, tax bp, stock, rx, consult, colour, description
    (
        "VD3",
        "Vitamin D3 drops",
        "Supplements",
        1299,
        2000,
        None,
        False,
        False,
        "#e0a458",
        "1000 IU per drop, for the darker months. 30 ml, about 600 drops.",
    ),
    (
        "MAG",
        "Magnesium glycinate",
        "Supplements",
        1650,
        2000,
        24,
        False,
        False,
        "#8fb8a8",
        "Gentle on the stomach; many people take it in the evening. 90 capsules.",
    ),
    (
        "OM3",
        "Omega-3 fish oil",
        "Supplements",
        1899,
        2000,
        3,
        False,
        False,
        "#5d8aa8",
        "High-strength EPA and DHA from sustainable fisheries. 60 softgels.",
    ),
    (
        "TEA",
        "Chamomile sleep tea",
        "Sleep and relaxation",
        650,
        550,
        40,
        False,
        False,
        "#c9b458",
        "Caffeine-free herbal tea for winding down. 20 bags.",
    ),
    (
        "MSK",
        "Weighted sleep mask",
        "Sleep and relaxation",
        2400,
        2000,
        0,
        False,
        False,
        "#6c5b7b",
        "Soft, light-blocking and gently weighted. Back soon.",
    ),
    (
        "SAD",
        "Light therapy lamp",
        "Devices",
        8900,
        2000,
        8,
        False,
        True,
        "#f4d35e",
        "10,000 lux daylight lamp for seasonal low mood. Ask your specialist first.",
    ),
    (
        "MEL",
        "Melatonin 2 mg (prescription)",
        "Prescription",
        1450,
        0,
        30,
        True,
        False,
        "#2f6f73",
        "Prolonged-release tablets. Needs a prescription from your specialist.",
    ),
    (
        "JRN",
        "Mood journal",
        "Self-care",
        1200,
        0,
        None,
        False,
        False,
        "#e07a5f",
        "A guided 12-week journal to track mood, sleep and what helps.",
    ),
]


def _picture(colour: str, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((150, 80, 330, 280), radius=28, fill="#ffffff")
    draw.text((172, 170), label, fill=colour)
    data = io.BytesIO()
    image.save(data, format="PNG")
    return SimpleUploadedFile(f"{label.lower()}.png", data.getvalue(), content_type="image/png")


def _catalogue(brand, staff) -> dict[str, Product]:
    products = {}
    for sku, name, category, price, rate, stock, rx, consult, colour, text in CATALOGUE:
        shelf, _created = Category.objects.get_or_create(brand=brand, name=category)
        product = Product.objects.create(
            brand=brand,
            sku=sku,
            name=name,
            description=text,
            category=shelf,
            price_minor=price,
            currency="GBP",
            tax_rate_bp=rate,
            stock=stock,
            prescription_required=rx,
            consultation_required=consult,
        )
        upload = store_upload(
            file=_picture(colour, sku), policy=brand.upload_policy(), uploaded_by=staff, brand=brand
        )
        ProductImage.objects.create(product=product, upload=upload, alt=name)
        products[sku] = product
    return products


def _order(patient, *pairs):
    for product, quantity in pairs:
        actions.add_to_cart(
            patient=patient, product=product, quantity=quantity, acting_user=patient.user
        )
    return actions.place_order(
        patient=patient,
        acting_user=patient.user,
        fingerprint=access.review_cart(patient).fingerprint,
    )


def seed_demo_shop(brands) -> None:
    brand = brands.get("calm")
    if brand is None or Product.objects.filter(brand=brand).exists():
        return
    staff = BrandMembership.objects.filter(brand=brand).select_related("user").first()
    staff_user = staff.user if staff else None
    with transaction.atomic():
        products = _catalogue(brand, staff_user)
        alex = Patient.objects.filter(brand=brand, email="alex@calm.example").first()
        if alex is None or alex.user is None:
            return
        done = _order(alex, (products["VD3"], 1), (products["TEA"], 2))
        ready = _order(alex, (products["MAG"], 1))
        if done.payment.status == Payment.Status.DUE:  # offline (no Stripe keys): collected
            payments.record_received(payment=done.payment, acting_user=staff_user, brand=brand)
            done.refresh_from_db()
            for status in ("ready", "completed"):
                done = actions.set_status(
                    order=done,
                    brand=brand,
                    acting_user=staff_user,
                    version=done.version,
                    status=status,
                )
            actions.set_status(
                order=ready,
                brand=brand,
                acting_user=staff_user,
                version=ready.version,
                status="ready",
            )
        _order(alex, (products["MEL"], 1))  # waits for the clinic's approval
        actions.add_to_cart(
            patient=alex, product=products["JRN"], quantity=1, acting_user=alex.user
        )
