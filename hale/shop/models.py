"""The shop: a brand's catalogue (``Category``, ``Product`` with its images), each patient's
``Cart`` (kept in the database, so it follows them across sign-outs and devices) and the
``Order`` they place, with its lines frozen at the price and tax of the moment it was placed.

Money is an integer in the currency's minor units (cents) with its ISO 4217 code; tax rates
are in basis points (2000 = 20 %) and the tax of a line is rounded once, half up
(``hale.shop.tax``).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.Model):
    """A shelf of a brand's catalogue (patients filter by it)."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="shop_category_once_per_brand")
        ]

    def __str__(self) -> str:
        return self.name


class ProductQuerySet(models.QuerySet):
    def visible(self):
        """What patients see: products marked "Visible in portal"."""
        return self.filter(visible_in_portal=True, archived=False)


class Product(models.Model):
    """Something a brand sells. ``stock`` None means unlimited; an Rx item needs a
    prescription and a consultation-required item a consultation, so orders holding either
    wait for staff approval before the patient can pay."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(
        _("SKU"), max_length=40, help_text=_("Your own product code, unique in this shop.")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        verbose_name=_("category"),
    )
    price_minor = models.PositiveIntegerField(_("price"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    tax_rate_bp = models.PositiveIntegerField(
        _("tax rate"), default=0, validators=[MaxValueValidator(10000)]
    )
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Leave empty for unlimited stock.")
    )
    visible_in_portal = models.BooleanField(_("Visible in portal"), default=True)
    prescription_required = models.BooleanField(_("Prescription item (Rx)"), default=False)
    consultation_required = models.BooleanField(_("Consultation required"), default=False)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["brand", "visible_in_portal", "name"], name="shop_grid_idx")
        ]
        constraints = [
            models.UniqueConstraint(fields=["brand", "sku"], name="shop_sku_once_per_brand")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def restricted(self) -> bool:
        return self.prescription_required or self.consultation_required

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0

    @property
    def available(self) -> bool:
        return self.visible_in_portal and not self.archived and self.in_stock


class ProductImage(models.Model):
    """A picture of a product (an upload through the one pipeline), first one on the grid."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    upload = models.ForeignKey("core.Upload", on_delete=models.PROTECT, related_name="+")
    alt = models.CharField(_("description of the picture"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.alt or str(self.product)


class Cart(models.Model):
    """A patient's cart on their brand (one per patient record)."""

    patient = models.OneToOneField(
        "accounts.Patient", on_delete=models.CASCADE, related_name="cart"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartItem(models.Model):
    """A product in a cart, with the price and tax the patient last saw (so a change is told
    before they pay)."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    seen_price_minor = models.PositiveIntegerField()
    seen_tax_rate_bp = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="shop_product_once_per_cart"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="shop_cart_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class Order(models.Model):
    """What a patient ordered, priced and taxed as it was when they placed it.

    ``status`` is where the order is (Pending until paid or, with pay-at-the-clinic, until
    staff start on it; then Processing, Ready for pickup, Completed; or Cancelled /
    Refunded). ``approval`` holds an order with restricted items until staff approve it
    (the patient cannot pay before) or decline it with a reason. Stock is taken when the
    order is placed and given back when it is cancelled or declined.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("shop order", "Pending")
        PROCESSING = "processing", pgettext_lazy("shop order", "Processing")
        READY = "ready", _("Ready for pickup")
        COMPLETED = "completed", pgettext_lazy("shop order", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("shop order", "Cancelled")
        REFUNDED = "refunded", pgettext_lazy("shop order", "Refunded")

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", _("No approval needed")
        AWAITING = "awaiting", _("Awaiting approval")
        APPROVED = "approved", pgettext_lazy("shop order", "Approved")
        DECLINED = "declined", pgettext_lazy("shop order", "Declined")

    OPEN_STATUSES = ("pending", "processing", "ready")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("order number"), max_length=24, unique=True)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("accounts.Patient", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    approval = models.CharField(
        _("approval"), max_length=16, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    notes = models.TextField(_("order notes"), blank=True, max_length=1000)
    currency = models.CharField(max_length=3)
    subtotal_minor = models.PositiveIntegerField(_("subtotal"))
    tax_minor = models.PositiveIntegerField(_("tax"))
    total_minor = models.PositiveIntegerField(_("total"))
    payment = models.OneToOneField(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="order"
    )
    version = models.PositiveIntegerField(default=1)
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["patient", "-placed_at"], name="shop_order_patient_idx"),
            models.Index(fields=["brand", "status", "-placed_at"], name="shop_order_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor=models.F("subtotal_minor") + models.F("tax_minor")),
                name="shop_order_total_adds_up",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def awaiting_approval(self) -> bool:
        return self.approval == self.Approval.AWAITING


class OrderLine(models.Model):
    """One product of an order, frozen: name, SKU, unit price, tax rate and the line's
    amounts as they were when the order was placed."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("product"), max_length=120)
    sku = models.CharField(_("SKU"), max_length=40)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_minor = models.PositiveIntegerField(_("unit price"))
    tax_rate_bp = models.PositiveIntegerField(_("tax rate"))
    net_minor = models.PositiveIntegerField(_("net"))
    tax_minor = models.PositiveIntegerField(_("tax"))
    restricted = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.tax_minor


class OrderEvent(models.Model):
    """What happened to an order, by whom (the history patients and staff see)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    status = models.CharField(max_length=16, choices=Order.Status.choices)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"

    @property
    def label(self) -> str:
        labels = {
            "placed": _("Order placed"),
            "approved": _("Approved by the clinic"),
            "declined": _("Declined by the clinic"),
            "paid": _("Payment received"),
            "processing": _("Being processed"),
            "ready": _("Ready for pickup"),
            "completed": pgettext_lazy("shop order", "Completed"),
            "cancelled": pgettext_lazy("shop order", "Cancelled"),
            "refunded": pgettext_lazy("shop order", "Refunded"),
        }
        return str(labels.get(self.kind, self.get_status_display()))
