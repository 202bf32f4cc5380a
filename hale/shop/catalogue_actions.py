"""Every change staff make to a brand's catalogue: products (saved, archived — never deleted,
orders point at them), their pictures, and the CSV import (all rows or none).

The rules live here, so every caller gets them: a SKU is unique in the brand's shop;
prices, tax rates and stock stay within sane bounds; a category named that the brand does
not have yet is created (names match regardless of case); only pictures become product
images; an edit made from a page that showed an older state of the product is refused.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.core import audit
from hale.core.access import Denied
from hale.shop.errors import ShopError
from hale.shop.models import Category, Product, ProductImage

MAX_PRICE_MINOR = 100_000_000  # 1,000,000.00: anything above is a typo, not a product
MAX_TAX_RATE_BP = 10_000
MAX_STOCK = 1_000_000
MAX_IMAGES = 12

# What a product's values set besides its SKU and category.
PRODUCT_FIELDS = (
    "name",
    "description",
    "price_minor",
    "currency",
    "tax_rate_bp",
    "stock",
    "visible_in_portal",
    "prescription_required",
    "consultation_required",
)


class StaleProduct(ShopError):
    """The product changed since the page that edits it was shown."""


@dataclass(frozen=True)
class ProductValues:
    """A product as staff give it (form or CSV row); ``category_name`` "" means none."""

    sku: str
    name: str
    price_minor: int
    description: str = ""
    category_name: str = ""
    currency: str = "EUR"
    tax_rate_bp: int = 0
    stock: int | None = None
    visible_in_portal: bool = True
    prescription_required: bool = False
    consultation_required: bool = False


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def product_version(product: Product) -> str:
    """What an edit form carries to tell a stale submission: the product's last change."""
    return product.updated_at.isoformat() if product.updated_at else ""


def _check(values: ProductValues) -> None:
    if not values.sku.strip() or not values.name.strip():
        raise ShopError(_("A product needs a SKU and a name."))
    if not 0 <= values.price_minor <= MAX_PRICE_MINOR:
        raise ShopError(_("The price must be from 0 to 1000000.00."))
    if not 0 <= values.tax_rate_bp <= MAX_TAX_RATE_BP:
        raise ShopError(_("The tax rate must be from 0 to 100 %."))
    if values.stock is not None and not 0 <= values.stock <= MAX_STOCK:
        raise ShopError(_("The stock must be from 0 to 1000000, or empty for unlimited."))
    if len(values.currency) != 3 or not values.currency.isalpha() or not values.currency.isupper():
        raise ShopError(_("Enter a three-letter currency code, for example EUR."))


def _key(name: str) -> str:
    return name.strip().casefold()


def _categories(brand, names: Iterable[str]) -> dict[str, Category]:
    """The brand's categories by ``_key`` of their name, creating the named ones it lacks."""
    wanted = {_key(name): name.strip() for name in names if name and name.strip()}
    if not wanted:
        return {}
    found = {_key(c.name): c for c in Category.objects.filter(brand=brand)}
    missing = [Category(brand=brand, name=wanted[key]) for key in wanted if key not in found]
    if missing:
        # ignore_conflicts: a colleague creating the same category meanwhile is no error.
        Category.objects.bulk_create(missing, ignore_conflicts=True)
        found = {_key(c.name): c for c in Category.objects.filter(brand=brand)}
    return found


def _category_of(categories: dict[str, Category], name: str) -> Category | None:
    return categories.get(_key(name)) if name.strip() else None


@transaction.atomic
def save_product(
    *,
    brand,
    values: ProductValues,
    acting_user,
    product: Product | None = None,
    version: str = "",
) -> Product:
    """Create a product of ``brand`` (``product`` None) or change ``product``. Refused
    (nothing changed) when another product of the brand has the SKU, or when ``version``
    is not the product's current one (someone changed it meanwhile)."""
    _check(values)
    if product is None:
        product = Product(brand=brand)
    else:
        locked = Product.objects.select_for_update().filter(pk=product.pk, brand=brand).first()
        if locked is None:
            raise Denied(Product, product.uuid)
        if version and version != product_version(locked):
            raise StaleProduct(
                _("Someone changed this product while you were editing it. Here it is now.")
            )
        product = locked
    clash = Product.objects.filter(brand=brand, sku=values.sku).exclude(pk=product.pk)
    if clash.exists():
        raise ShopError(_("Another product already has this SKU."))
    created = product.pk is None
    for field in PRODUCT_FIELDS:
        setattr(product, field, getattr(values, field))
    product.sku = values.sku
    product.category = _category_of(
        _categories(brand, [values.category_name]), values.category_name
    )
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        # Another product took the SKU between the check and the save.
        raise ShopError(_("Another product already has this SKU.")) from None
    audit.record(acting_user, "shop.product_saved", product, brand=brand, created=created)
    return product


@transaction.atomic
def archive_product(*, product: Product, acting_user) -> Product:
    """Take a product out of the catalogue and the shop for good. It is kept (orders and
    carts point at it); carts holding it tell the patient it is no longer available."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if not product.archived:
        product.archived = True
        product.save(update_fields=["archived", "updated_at"])
        audit.record(acting_user, "shop.product_archived", product, brand=product.brand)
    return product


@transaction.atomic
def add_product_image(*, product: Product, upload, alt: str, acting_user) -> ProductImage:
    """Attach a stored upload as the product's last picture. Refused unless it is an
    image; the caller then deletes the upload (it was stored outside this transaction)."""
    if not (upload.content_type or "").startswith("image/"):
        raise ShopError(_("Only pictures (such as PNG or JPEG) can be product images."))
    product = Product.objects.select_for_update().get(pk=product.pk)
    positions = list(product.images.values_list("position", flat=True))
    if len(positions) >= MAX_IMAGES:
        raise ShopError(
            _("A product can have at most %(count)s pictures. Remove one first.")
            % {"count": MAX_IMAGES}
        )
    image = ProductImage.objects.create(
        product=product,
        upload=upload,
        alt=(alt or "").strip()[:200],
        position=max(positions, default=-1) + 1,
    )
    audit.record(acting_user, "shop.product_image_added", product, brand=product.brand)
    return image


@transaction.atomic
def remove_product_image(*, image: ProductImage, acting_user) -> None:
    """Remove a picture from its product, and its file (once this commits)."""
    from hale.core.uploads import delete_upload

    product, upload = image.product, image.upload
    image.delete()
    delete_upload(upload=upload)
    audit.record(acting_user, "shop.product_image_removed", product, brand=product.brand)


@transaction.atomic
def import_catalogue(
    *, brand, rows: Sequence[ProductValues], columns: Iterable[str], acting_user
) -> ImportResult:
    """Create or update (by SKU) a product for every row, all or none. On products that
    exist, only the ``ProductValues`` fields named in ``columns`` (the columns the file had)
    change; new products take the defaults for the others. Refused, with nothing changed,
    when a SKU appears twice or belongs to an archived product."""
    columns = set(columns)
    skus = [row.sku for row in rows]
    if len(set(skus)) != len(skus):
        raise ShopError(_("The same SKU appears on two lines."))
    for row in rows:
        _check(row)
    existing = {
        p.sku: p for p in Product.objects.select_for_update().filter(brand=brand, sku__in=skus)
    }
    archived = sorted(sku for sku, p in existing.items() if p.archived)
    if archived:
        raise ShopError(
            _("These SKUs belong to archived products: %(skus)s.") % {"skus": ", ".join(archived)}
        )
    categories = _categories(
        brand, [row.category_name for row in rows] if "category_name" in columns else []
    )
    now = timezone.now()
    to_create: list[Product] = []
    to_update: list[Product] = []
    changed_fields: set[str] = set()
    for row in rows:
        category = _category_of(categories, row.category_name)
        product = existing.get(row.sku)
        if product is None:
            to_create.append(
                Product(
                    brand=brand,
                    sku=row.sku,
                    category=category,
                    **{field: getattr(row, field) for field in PRODUCT_FIELDS},
                )
            )
            continue
        changed = {
            field
            for field in PRODUCT_FIELDS
            if field in columns and getattr(product, field) != getattr(row, field)
        }
        for field in changed:
            setattr(product, field, getattr(row, field))
        if "category_name" in columns and product.category_id != (category and category.pk):
            product.category = category
            changed.add("category")
        if changed:
            product.updated_at = now
            changed_fields |= changed
            to_update.append(product)
    Product.objects.bulk_create(to_create)
    if to_update:
        Product.objects.bulk_update(to_update, [*sorted(changed_fields), "updated_at"])
    result = ImportResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )
    audit.record(
        acting_user,
        "shop.catalogue_imported",
        brand,
        brand=brand,
        created=[p.sku for p in to_create][:500],
        updated=[p.sku for p in to_update][:500],
        unchanged=result.unchanged,
    )
    return result
