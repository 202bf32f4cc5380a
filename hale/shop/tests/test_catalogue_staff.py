"""The staff catalogue: the products table, creating and editing products (bad input refused
with a message and nothing changed), pictures, archiving, the CSV export and import, and
every page answering 404 to other brands, non-staff and brands whose plan has no shop."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from hale.core.models import AuditEvent
from hale.core.uploads import Upload
from hale.shop import access
from hale.shop.forms_catalogue import (
    Unparsable,
    format_price,
    format_tax_rate,
    parse_price,
    parse_tax_rate,
)
from hale.shop.models import Category, Product, ProductImage

pytestmark = pytest.mark.django_db

BASE = "/staff/brands/calm/shop/products/"


def png(name: str = "drops.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (47, 111, 115)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def snapshot(brand) -> list[tuple]:
    """Everything the catalogue says about the brand's products (to tell nothing changed)."""
    return list(
        Product.objects.filter(brand=brand)
        .order_by("sku")
        .values_list(
            "sku",
            "name",
            "description",
            "category__name",
            "price_minor",
            "currency",
            "tax_rate_bp",
            "stock",
            "visible_in_portal",
            "prescription_required",
            "consultation_required",
            "archived",
        )
    )


def form_data(**changes) -> dict:
    data = {
        "name": "Omega 3 capsules",
        "sku": "OM3",
        "description": "Fish oil.",
        "category": "",
        "new_category": "",
        "price": "12.50",
        "currency": "EUR",
        "tax_rate": "20",
        "stock": "",
        "visible_in_portal": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def csv_file(text: str, name: str = "products.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def staff(client_for, staff_a):
    return client_for(staff_a)


# --- The products table -----------------------------------------------------------------------


def test_staff_see_the_catalogue_with_prices_stock_and_badges(staff, products):
    page = staff.get(BASE).content.decode()
    for product in products.values():
        assert product.name in page and product.sku in page
    assert "12.99 EUR" in page and "5.5 %" in page
    assert "Unlimited" in page and "Hidden" in page and "Visible" in page
    assert "Rx" in page
    assert f"{BASE}export.csv" in page and f"{BASE}import/" in page and f"{BASE}new/" in page


def test_staff_search_by_name_or_sku_and_filter_by_category(staff, products):
    page = staff.get(BASE, {"q": "magnes"}).content.decode()
    assert "Magnesium glycinate" in page and "Vitamin D3 drops" not in page
    page = staff.get(BASE, {"q": "RX1"}).content.decode()
    assert "Sleep aid" in page and "Magnesium glycinate" not in page
    vitamins = products["d3"].category
    page = staff.get(BASE, {"category": vitamins.pk}).content.decode()
    assert "Vitamin D3 drops" in page and "Magnesium glycinate" in page
    assert "Sleep aid" not in page and "Staff only" not in page


def test_the_products_table_asks_the_same_queries_however_many_products(staff, products, brand_a):
    staff.get(BASE)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert staff.get(BASE).status_code == 200
    shelf = Category.objects.create(brand=brand_a, name="More")
    for n in range(6):
        Product.objects.create(
            brand=brand_a, sku=f"X{n}", name=f"Extra {n}", price_minor=100, category=shelf
        )
    with CaptureQueriesContext(connection) as many:
        assert staff.get(BASE).status_code == 200
    assert len(many) == len(few)


# --- Creating and editing ---------------------------------------------------------------------


def test_staff_create_a_product_in_a_new_category(staff, brand_a, staff_a):
    response = staff.post(
        f"{BASE}new/",
        form_data(price="12.5", tax_rate="5.5", currency="gbp", new_category="Oils", stock="7"),
    )
    product = Product.objects.get(brand=brand_a, sku="OM3")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{product.uuid}/"
    assert product.price_minor == 1250 and product.tax_rate_bp == 550
    assert product.currency == "GBP" and product.stock == 7
    assert product.category.name == "Oils" and product.category.brand == brand_a
    assert product.visible_in_portal and not product.prescription_required
    assert AuditEvent.objects.filter(
        action="shop.product_saved", actor=staff_a, object_id=str(product.pk)
    ).exists()


def test_staff_edit_a_product_and_blank_stock_means_unlimited(staff, products):
    magnesium = products["magnesium"]
    response = staff.post(
        f"{BASE}{magnesium.uuid}/",
        form_data(
            name="Magnesium",
            sku="MG",
            category=magnesium.category_id,
            price="3.40",
            tax_rate="0",
            stock="",
            prescription_required="on",
            consultation_required="on",
            visible_in_portal=None,
        ),
        follow=True,
    )
    assert "Product saved." in response.content.decode()
    magnesium.refresh_from_db()
    assert (magnesium.name, magnesium.price_minor, magnesium.tax_rate_bp) == ("Magnesium", 340, 0)
    assert magnesium.stock is None and not magnesium.visible_in_portal
    assert magnesium.prescription_required and magnesium.consultation_required


def test_the_edit_form_shows_price_and_tax_the_way_they_were_typed(staff, products):
    page = staff.get(f"{BASE}{products['magnesium'].uuid}/").content.decode()
    assert 'value="3.33"' in page and 'value="5.5"' in page and 'value="2"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": "-1"}, "The price cannot be negative."),
        ({"price": "12.505"}, "at most two decimals"),
        ({"price": "twelve"}, "Enter a price like 12.50."),
        ({"price": "1e3"}, "Enter a price like 12.50."),
        ({"price": "99999999"}, "The price cannot be more than 1000000.00."),
        ({"tax_rate": "101"}, "The tax rate must be from 0 to 100 %."),
        ({"tax_rate": "-5"}, "The tax rate must be from 0 to 100 %."),
        ({"tax_rate": "5.555"}, "at most two decimals"),
        ({"stock": "-3"}, "The stock cannot be negative."),
        ({"stock": "lots"}, "Enter the stock as a whole number"),
        ({"stock": "5000000"}, "The stock cannot be more than 1000000."),
        ({"currency": "EU"}, "Enter a three-letter currency code"),
        ({"currency": "€€€"}, "Enter a three-letter currency code"),
        ({"name": ""}, "This field is required."),
        ({"sku": "   "}, "This field is required."),
        ({"new_category": "Oils", "category": "CATEGORY"}, "not both"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    staff, products, brand_a, changes, message
):
    d3 = products["d3"]
    if changes.get("category") == "CATEGORY":
        changes["category"] = d3.category_id
    before = snapshot(brand_a)
    categories = Category.objects.count()
    edit = staff.post(f"{BASE}{d3.uuid}/", form_data(**{"sku": "D3", **changes}))
    new = staff.post(f"{BASE}new/", form_data(**changes))
    for response in (edit, new):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert snapshot(brand_a) == before and Category.objects.count() == categories
    # The page's heading still shows the product as it is, not the refused values.
    assert "<h1>Vitamin D3 drops</h1>" in edit.content.decode()


def test_a_sku_is_unique_in_the_brand_but_other_brands_may_use_it(
    staff, products, brand_a, brand_b, client_for, staff_b
):
    before = snapshot(brand_a)
    response = staff.post(f"{BASE}new/", form_data(sku="MG"))
    assert response.status_code == 400
    assert "Another product already has this SKU." in response.content.decode()
    response = staff.post(f"{BASE}{products['d3'].uuid}/", form_data(sku="MG"))
    assert "Another product already has this SKU." in response.content.decode()
    assert snapshot(brand_a) == before
    # Another brand's catalogue is its own.
    other = client_for(staff_b)
    response = other.post("/staff/brands/northside/shop/products/new/", form_data(sku="MG"))
    assert response.status_code == 302
    assert Product.objects.filter(brand=brand_b, sku="MG").exists()


def test_an_archived_products_sku_is_not_taken_again(staff, products):
    products["hidden"].archived = True
    products["hidden"].save()
    response = staff.post(f"{BASE}new/", form_data(sku="H"))
    assert "An archived product already has this SKU." in response.content.decode()


def test_categories_offered_are_the_brands_own(staff, products, brand_b):
    theirs = Category.objects.create(brand=brand_b, name="Their shelf")
    page = staff.get(f"{BASE}new/").content.decode()
    assert "Vitamins" in page and "Their shelf" not in page
    response = staff.post(f"{BASE}new/", form_data(category=theirs.pk))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Product.objects.filter(sku="OM3").exists()


def test_an_edit_from_a_page_showing_an_older_product_is_refused(staff, products):
    d3 = products["d3"]
    page = staff.get(f"{BASE}{d3.uuid}/").content.decode()
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    Product.objects.filter(pk=d3.pk).update(name="Changed meanwhile")
    d3.refresh_from_db()
    d3.save()  # a colleague's save moves updated_at on
    response = staff.post(
        f"{BASE}{d3.uuid}/", form_data(sku="D3", name="Mine", version=version), follow=True
    )
    assert "Someone changed this product" in response.content.decode()
    d3.refresh_from_db()
    assert d3.name == "Changed meanwhile"


# --- Pictures ---------------------------------------------------------------------------------


def test_staff_add_a_picture_and_see_it(staff, products, private_storage, client_for, staff_b):
    d3 = products["d3"]
    response = staff.post(
        f"{BASE}{d3.uuid}/images/", {"image-file": png(), "image-alt": "A bottle of drops"}
    )
    assert response.status_code == 302
    image = ProductImage.objects.get(product=d3)
    assert image.alt == "A bottle of drops" and image.upload.content_type == "image/png"
    page = staff.get(f"{BASE}{d3.uuid}/").content.decode()
    assert f"/staff/brands/calm/shop/images/{image.pk}/" in page and "A bottle of drops" in page
    served = staff.get(f"/staff/brands/calm/shop/images/{image.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert client_for(staff_b).get(f"/staff/brands/calm/shop/images/{image.pk}/").status_code == 404
    assert (
        client_for(staff_b).get(f"/staff/brands/northside/shop/images/{image.pk}/").status_code
        == 404
    )


def test_a_file_that_is_not_a_picture_is_refused_and_not_kept(
    staff, products, private_storage, stored_files, django_capture_on_commit_callbacks
):
    d3 = products["d3"]
    pdf = SimpleUploadedFile("leaflet.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{BASE}{d3.uuid}/images/", {"image-file": pdf, "image-alt": "x"})
    assert response.status_code == 400
    assert "Only pictures (such as PNG or JPEG)" in response.content.decode()
    assert not ProductImage.objects.exists() and not Upload.objects.exists()
    assert stored_files() == []


def test_a_file_the_pipeline_refuses_shows_its_message(staff, products, private_storage):
    d3 = products["d3"]
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a png", content_type="image/png")
    response = staff.post(f"{BASE}{d3.uuid}/images/", {"image-file": fake})
    assert response.status_code == 400
    assert "do not match its name" in response.content.decode()
    assert not ProductImage.objects.exists() and not Upload.objects.exists()


def test_staff_remove_a_picture(
    staff, products, private_storage, django_capture_on_commit_callbacks
):
    d3 = products["d3"]
    staff.post(f"{BASE}{d3.uuid}/images/", {"image-file": png()})
    image = ProductImage.objects.get(product=d3)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{BASE}{d3.uuid}/images/{image.pk}/remove/")
    assert response.status_code == 302
    assert not ProductImage.objects.exists() and not Upload.objects.exists()


def test_a_picture_of_another_product_cannot_be_removed_through_this_one(
    staff, products, private_storage
):
    d3, magnesium = products["d3"], products["magnesium"]
    staff.post(f"{BASE}{d3.uuid}/images/", {"image-file": png()})
    image = ProductImage.objects.get(product=d3)
    assert staff.post(f"{BASE}{magnesium.uuid}/images/{image.pk}/remove/").status_code == 404
    assert ProductImage.objects.filter(pk=image.pk).exists()


# --- Archiving --------------------------------------------------------------------------------


def test_staff_archive_a_product_and_it_leaves_the_catalogue(staff, products, brand_a):
    d3 = products["d3"]
    assert staff.get(f"{BASE}{d3.uuid}/archive/").status_code == 405
    response = staff.post(f"{BASE}{d3.uuid}/archive/", follow=True)
    d3.refresh_from_db()
    assert d3.archived and Product.objects.filter(pk=d3.pk).exists()
    assert "is archived" in response.content.decode()
    assert "Vitamin D3 drops" not in staff.get(BASE).content.decode()
    assert d3 not in access.catalogue(brand_a)
    assert AuditEvent.objects.filter(action="shop.product_archived").count() == 1


# --- Who may see the pages ----------------------------------------------------------------------


def _all_pages(product, image_id: int = 1) -> list[tuple[str, str]]:
    base = "/staff/brands/calm/shop/"
    p = f"{base}products/{product.uuid}/"
    return [
        ("get", f"{base}products/"),
        ("get", f"{base}products/new/"),
        ("post", f"{base}products/new/"),
        ("get", p),
        ("post", p),
        ("post", f"{p}archive/"),
        ("post", f"{p}images/"),
        ("post", f"{p}images/{image_id}/remove/"),
        ("get", f"{base}images/{image_id}/"),
        ("get", f"{base}products/export.csv"),
        ("get", f"{base}products/import/"),
        ("post", f"{base}products/import/"),
    ]


@pytest.fixture
def pictured(products, private_storage):
    from hale.core.uploads import store_upload

    d3 = products["d3"]
    upload = store_upload(file=png(), policy=d3.brand.upload_policy(), uploaded_by=None)
    return ProductImage.objects.create(product=d3, upload=upload)


def _assert_all_404(client, products, pictured, brand) -> None:
    before = snapshot(brand)
    for method, url in _all_pages(products["d3"], pictured.pk):
        data = form_data(sku="D3", name="Taken over") if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"Vitamin D3" not in response.content
    assert snapshot(brand) == before
    assert ProductImage.objects.filter(pk=pictured.pk).exists()


def test_staff_of_another_brand_get_404_everywhere(
    client_for, staff_b, products, pictured, brand_a
):
    _assert_all_404(client_for(staff_b), products, pictured, brand_a)
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_a_user_who_is_not_staff_gets_404_everywhere(
    client_for, patient_a, products, pictured, brand_a
):
    _assert_all_404(client_for(patient_a.user), products, pictured, brand_a)


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, products):
    response = anonymous().get(BASE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_brands_product_is_404_through_this_brands_pages(staff, brand_b, brand_a, products):
    theirs = Product.objects.create(brand=brand_b, sku="T1", name="Their thing", price_minor=100)
    for method, url in (
        ("get", f"{BASE}{theirs.uuid}/"),
        ("post", f"{BASE}{theirs.uuid}/"),
        ("post", f"{BASE}{theirs.uuid}/archive/"),
        ("post", f"{BASE}{theirs.uuid}/images/"),
        ("get", f"{BASE}{uuid.uuid4()}/"),
    ):
        response = getattr(staff, method)(url, form_data(sku="T1") if method == "post" else None)
        assert response.status_code == 404
        assert b"Their thing" not in response.content
    theirs.refresh_from_db()
    assert theirs.name == "Their thing" and not theirs.archived
    assert "Their thing" not in staff.get(BASE).content.decode()


def test_a_brand_on_the_professional_plan_has_no_staff_shop_pages(
    staff, products, pictured, brand_a
):
    brand_a.plan = "professional"
    brand_a.save(update_fields=["plan"])
    _assert_all_404(staff, products, pictured, brand_a)


# --- CSV --------------------------------------------------------------------------------------


def test_the_export_lists_the_catalogue_in_the_documented_columns(staff, products, staff_a):
    response = staff.get(f"{BASE}export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == (
        "sku,name,description,category,price,currency,tax_rate,stock,"
        "visible_in_portal,prescription_required,consultation_required"
    )
    assert (
        "D3,Vitamin D3 drops,Daily drops for the winter months.,Vitamins,12.99,EUR,20,,yes,no,no"
        in lines
    )
    assert "MG,Magnesium glycinate,,Vitamins,3.33,EUR,5.5,2,yes,no,no" in lines
    assert "RX1,Sleep aid,,,25.00,EUR,0,10,yes,yes,no" in lines
    assert "H,Staff only,,,1.00,EUR,0,,no,no,no" in lines
    assert AuditEvent.objects.filter(action="shop.catalogue_exported", actor=staff_a).exists()


def test_an_export_imports_back_unchanged(staff, products, brand_a):
    d3 = products["d3"]
    d3.description = 'Line one,\nline "two" — ünïcode'
    d3.name = "=SUM(A1) drops"
    d3.save()
    magnesium = products["magnesium"]
    magnesium.description = "-fast acting"
    magnesium.consultation_required = True
    magnesium.tax_rate_bp = 555
    magnesium.save()
    before = snapshot(brand_a)
    exported = staff.get(f"{BASE}export.csv").content
    assert b"'=SUM(A1) drops" in exported  # defused for spreadsheets
    upload = SimpleUploadedFile("products.csv", exported, content_type="text/csv")
    response = staff.post(f"{BASE}import/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert "0 created, 0 updated." in page and "4 already up to date." in page
    assert snapshot(brand_a) == before


def test_an_import_with_one_bad_line_changes_nothing_and_says_which_line(staff, products, brand_a):
    before = snapshot(brand_a)
    categories = Category.objects.count()
    text = (
        "sku,name,price,stock,category,visible_in_portal\n"
        "NEW1,New one,4.00,,Brand new shelf,yes\n"
        "MG,Magnesium,3.99,5,,no\n"
        "NEW2,New two,12.5O,,,yes\n"
        "NEW3,New three,1.00,-2,,maybe\n"
    )
    response = staff.post(f"{BASE}import/", {"file": csv_file(text)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page
    assert "Line 4: price must be a number like 12.50" in page
    assert "Line 5: stock cannot be negative" in page
    assert "Line 5: visible_in_portal must be yes or no" in page
    assert "Line 2:" not in page and "Line 3:" not in page
    assert snapshot(brand_a) == before and Category.objects.count() == categories


def test_an_import_creates_and_updates_by_sku(staff, products, brand_a, staff_a):
    text = (
        "\ufeffsku,name,price,tax_rate,category,prescription_required,visible_in_portal\n"
        "MG,Magnesium bisglycinate,3.99,5.5,Minerals,TRUE,1\n"
        "OM3,Omega 3,9.90,20 %,vitamins,0,false\n"
        "D3,Vitamin D3 drops,12.99,20,Vitamins,no,yes\n"
    )
    response = staff.post(f"{BASE}import/", {"file": csv_file(text)}, follow=True)
    assert "1 created, 1 updated." in response.content.decode()
    assert "1 already up to date." in response.content.decode()
    magnesium = Product.objects.get(brand=brand_a, sku="MG")
    assert magnesium.name == "Magnesium bisglycinate" and magnesium.price_minor == 399
    assert magnesium.category.name == "Minerals" and magnesium.prescription_required
    assert magnesium.stock == 2  # no stock column: left as it was
    omega = Product.objects.get(brand=brand_a, sku="OM3")
    assert (omega.price_minor, omega.tax_rate_bp, omega.stock) == (990, 2000, None)
    assert omega.category == products["d3"].category  # "vitamins" is the existing shelf
    assert not omega.visible_in_portal and omega.currency == "EUR"
    event = AuditEvent.objects.get(action="shop.catalogue_imported")
    assert event.actor == staff_a and event.data["created"] == ["OM3"]
    assert event.data["updated"] == ["MG"]


def test_an_import_reads_semicolons_and_refuses_files_it_cannot_read(staff, products, brand_a):
    text = "sku;name;price\nNEW;Nouveau produit;2,50\n"
    response = staff.post(f"{BASE}import/", {"file": csv_file(text)}, follow=True)
    assert "1 created, 0 updated." in response.content.decode()
    assert Product.objects.get(brand=brand_a, sku="NEW").price_minor == 250
    before = snapshot(brand_a)
    for upload, message in (
        (csv_file("sku,name,price\nX,Café,1.00\n", encoding="latin-1"), "not in UTF-8"),
        (csv_file("sku,title,price\nX,Y,1\n"), "Unknown column “title”"),
        (csv_file("sku,name\nX,Y\n"), "these are missing: price"),
        (csv_file(""), "The submitted file is empty."),
        (csv_file("sku,name,price\n"), "no products in it"),
        (csv_file("sku,name,price\nA,B,1,extra\n"), "Line 2: it has more cells"),
        (csv_file("sku,name,price\nA,B,1\nA,C,2\n"), "Line 3: sku A is already on line 2"),
        (csv_file("sku,name,price\n" + "x" * (1024 * 1024)), "larger than 1 MB"),
    ):
        response = staff.post(f"{BASE}import/", {"file": upload})
        assert response.status_code == 400
        assert message in response.content.decode(), message
    assert snapshot(brand_a) == before


def test_an_import_cannot_touch_an_archived_product(staff, products, brand_a):
    products["hidden"].archived = True
    products["hidden"].save()
    before = snapshot(brand_a)
    response = staff.post(f"{BASE}import/", {"file": csv_file("sku,name,price\nH,Back,1.00\n")})
    assert "Line 2: sku H belongs to an archived product" in response.content.decode()
    assert snapshot(brand_a) == before


def test_the_import_page_explains_the_columns(staff):
    page = staff.get(f"{BASE}import/").content.decode()
    assert "consultation_required" in page and 'type="file"' in page


# --- Parsers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minor"),
    [("12.50", 1250), ("12.5", 1250), ("12", 1200), ("0", 0), ("12,50", 1250), ("1.500", 150)],
)
def test_prices_are_read_in_major_units(text, minor):
    assert parse_price(text) == minor
    assert parse_price(format_price(minor)) == minor


@pytest.mark.parametrize(
    ("text", "code"),
    [("-0.01", "negative"), ("1.001", "decimals"), ("", "invalid"), ("NaN", "invalid")],
)
def test_bad_prices_say_why(text, code):
    with pytest.raises(Unparsable) as caught:
        parse_price(text)
    assert caught.value.code == code


@pytest.mark.parametrize(("text", "bp"), [("20", 2000), ("5.5", 550), ("5.55", 555), ("0", 0)])
def test_tax_rates_are_percents_kept_in_basis_points(text, bp):
    assert parse_tax_rate(text) == bp
    assert format_tax_rate(bp) == text
