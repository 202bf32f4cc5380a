"""Scoped reads of the shop. A patient sees their brand's visible products, their own cart
and their own orders; staff see their brand's catalogue and orders; anything else answers
404 (``Denied``), exactly like what does not exist."""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from hale.accounts.models import Patient
from hale.core import stamps
from hale.core.access import Denied
from hale.documents.access import own_patient, staff_brand
from hale.shop import tax
from hale.shop.models import Cart, CartItem, Category, Order, Product, ProductImage
from hale.tenancy.models import Brand

__all__ = ["own_patient", "staff_brand"]


def _with_images(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.select_related("category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.select_related("upload"))
    )


def catalogue(brand: Brand, *, query: str = "", category: Category | None = None):
    """The products patients of ``brand`` see, searched by name or description."""
    products = Product.objects.visible().filter(brand=brand)
    query = (query or "").strip()[:100]
    if query:
        products = products.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if category is not None:
        products = products.filter(category=category)
    return _with_images(products)


def categories(brand: Brand) -> QuerySet[Category]:
    return Category.objects.filter(brand=brand)


def shelf_categories(brand: Brand) -> QuerySet[Category]:
    """Categories with at least one visible product (the patient's filter)."""
    return (
        Category.objects.filter(
            brand=brand, products__visible_in_portal=True, products__archived=False
        )
        .distinct()
        .order_by("name")
    )


def access_category(brand: Brand, category_id) -> Category | None:
    try:
        return Category.objects.filter(brand=brand, pk=int(category_id)).first()
    except (TypeError, ValueError):
        return None


def access_product(brand: Brand, product_id: uuid.UUID) -> Product:
    """A product patients of ``brand`` may see."""
    product = catalogue(brand).filter(uuid=product_id).first()
    if product is None:
        raise Denied(Product, product_id)
    return product


def staff_products(brand: Brand) -> QuerySet[Product]:
    return _with_images(Product.objects.filter(brand=brand, archived=False))


def access_staff_product(brand: Brand, product_id: uuid.UUID) -> Product:
    product = _with_images(Product.objects.filter(brand=brand)).filter(uuid=product_id).first()
    if product is None:
        raise Denied(Product, product_id)
    return product


def image_of(brand: Brand, image_id: int, *, staff: bool = False) -> ProductImage:
    """A product picture: of a visible product for patients, of any product for staff."""
    products = Product.objects.filter(brand=brand)
    if not staff:
        products = products.visible()
    image = (
        ProductImage.objects.select_related("upload", "product")
        .filter(pk=image_id, product__in=products)
        .first()
    )
    if image is None:
        raise Denied(ProductImage, image_id)
    return image


# --- Carts ------------------------------------------------------------------------------------


def _count_key(brand_id: int, user_id: int) -> str:
    return f"shop:cart-count:{brand_id}:{user_id}"


def cart_count(brand: Brand, user) -> int:
    """How many items the user's cart on ``brand`` holds, for the header icon (cached, so
    pages ask no query; ``forget_cart_count`` after every change)."""
    if brand is None or not getattr(user, "is_authenticated", False):
        return 0
    key = _count_key(brand.pk, user.pk)
    stamps.note_read(CartItem._meta.db_table, Cart._meta.db_table, Patient._meta.db_table)
    count = cache.get(key)
    if count is None:
        count = (
            CartItem.objects.filter(cart__patient__brand=brand, cart__patient__user=user).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        cache.set(key, count, 3600)
    return count


def forget_cart_count(patient: Patient) -> None:
    if patient.user_id:
        cache.delete(_count_key(patient.brand_id, patient.user_id))


@dataclass
class CartLine:
    """A cart item as it stands now, with what changed since the patient last saw it."""

    item: CartItem
    product: Product
    line: tax.Line
    problem: str = ""
    price_changed: bool = False

    @property
    def unavailable(self) -> bool:
        return bool(self.problem) and not self.price_changed


def cart_items(patient: Patient) -> list[CartItem]:
    return list(
        CartItem.objects.filter(cart__patient=patient)
        .select_related("product__category")
        .prefetch_related(Prefetch("product__images", queryset=ProductImage.objects.all()))
        .order_by("added_at", "pk")
    )


def cart_of(patient: Patient) -> Cart | None:
    return Cart.objects.filter(patient=patient).first()


# --- Orders -----------------------------------------------------------------------------------


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("patient", "payment", "brand")


def patient_orders(patient: Patient) -> QuerySet[Order]:
    return _orders().filter(patient=patient, brand_id=patient.brand_id)


def access_patient_order(patient: Patient, order_id: uuid.UUID) -> Order:
    order = (
        patient_orders(patient).prefetch_related("lines", "events").filter(uuid=order_id).first()
    )
    if order is None:
        raise Denied(Order, order_id)
    return order


def brand_orders(brand: Brand, *, status: str = "") -> QuerySet[Order]:
    orders = _orders().filter(brand=brand)
    if status == "approval":
        orders = orders.filter(approval=Order.Approval.AWAITING)
    elif status in Order.Status.values:
        orders = orders.filter(status=status)
    return orders


def access_brand_order(brand: Brand, order_id: uuid.UUID) -> Order:
    order = (
        _orders()
        .filter(brand=brand, uuid=order_id)
        .prefetch_related("lines", "events__actor")
        .first()
    )
    if order is None:
        raise Denied(Order, order_id)
    return order


def order_of_payment(payment) -> Order | None:
    return Order.objects.filter(payment=payment).first()


@dataclass
class CartReview:
    """A cart checked against the catalogue now: its lines, totals and what changed."""

    lines: list[CartLine]
    totals: tax.Totals
    currency: str

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def count(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def restricted(self) -> bool:
        return any(line.product.restricted for line in self.lines)

    @property
    def fingerprint(self) -> str:
        """What the patient is shown, in a form a checkout posts back: a checkout from a
        page that showed other items, quantities or prices is refused."""
        return "|".join(
            f"{line.product.pk}:{line.item.quantity}:{line.product.price_minor}:"
            f"{line.product.tax_rate_bp}"
            for line in self.lines
        )


def review_cart(patient: Patient, items: list[CartItem] | None = None) -> CartReview:
    items = cart_items(patient) if items is None else items
    lines = []
    for item in items:
        product = item.product
        problem = ""
        price_changed = False
        if (
            not product.visible_in_portal
            or product.archived
            or product.brand_id != patient.brand_id
        ):
            problem = _("%(name)s is no longer available.") % {"name": product.name}
        elif product.stock is not None and product.stock < item.quantity:
            problem = (
                _("%(name)s is out of stock.") % {"name": product.name}
                if product.stock == 0
                else _("Only %(count)s of %(name)s left.")
                % {"count": product.stock, "name": product.name}
            )
        elif (
            product.price_minor != item.seen_price_minor
            or product.tax_rate_bp != item.seen_tax_rate_bp
        ):
            price_changed = True
            problem = _("The price of %(name)s changed since you added it.") % {
                "name": product.name
            }
        lines.append(
            CartLine(
                item=item,
                product=product,
                line=tax.Line(item.quantity, product.price_minor, product.tax_rate_bp),
                problem=problem,
                price_changed=price_changed,
            )
        )
    priced = [line.line for line in lines if not line.unavailable]
    currency = lines[0].product.currency if lines else "EUR"
    return CartReview(lines=lines, totals=tax.totals(priced), currency=currency)
