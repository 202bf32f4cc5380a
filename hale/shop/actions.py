"""Every state change of the shop. Views only call these.

- The cart lives in the database (one per patient record), so it is the same after signing
  out and in, and on another device. Each item remembers the price and tax the patient saw.
- ``place_order`` freezes the cart into an order: it refuses (and changes nothing) when the
  cart is not what the page showed or an item changed or ran out; stock is taken with one
  conditional UPDATE per product (``stock >= quantity``), so concurrent checkouts of the last
  items succeed exactly as far as stock allows, on SQLite as on PostgreSQL.
- An order with restricted items (Rx, consultation required) waits for staff approval; only
  then is a payment made for it. Otherwise it is paid at once (Stripe) or due at the clinic
  (offline provider, the order goes straight to Processing).
- Payments tell the shop an order was paid or refunded through ``hale.payments.hooks``
  (``receivers``). Cancelling or declining gives the stock back; a paid order is refunded.
- Every status change is an ``OrderEvent``, an audit row and a notice to the patient (after
  commit). Forms that change an order carry the version they showed; a stale one is refused.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from hale.core import audit
from hale.core.access import Denied
from hale.core.tokens import readable_code
from hale.payments import actions as payments
from hale.payments.errors import PaymentError
from hale.payments.models import Payment
from hale.shop import access, tax
from hale.shop.errors import CartChanged, ShopError
from hale.shop.models import Cart, CartItem, Order, OrderEvent, OrderLine, Product

Status = Order.Status
Approval = Order.Approval

MAX_QUANTITY = 99

# Where staff may move an order (cancelling is ``cancel_order``).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Status.PROCESSING: (Status.READY, Status.COMPLETED),
    Status.READY: (Status.COMPLETED, Status.PROCESSING),
}


def _tasks():
    from hale.shop import tasks

    return tasks


def _number() -> str:
    return readable_code("OR-", 8)


def _changed_cart(patient) -> None:
    transaction.on_commit(lambda: access.forget_cart_count(patient))


def _check_quantity(quantity) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise ShopError(_("Enter a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY}) from None
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ShopError(_("Enter a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY})
    return quantity


# --- Cart -------------------------------------------------------------------------------------


@transaction.atomic
def add_to_cart(*, patient, product: Product, quantity, acting_user) -> CartItem:
    """Put ``quantity`` more of ``product`` in the patient's cart (at most what is in stock)."""
    quantity = _check_quantity(quantity)
    if product.brand_id != patient.brand_id or not product.visible_in_portal or product.archived:
        raise ShopError(_("This product is not available."))
    if not product.in_stock:
        raise ShopError(_("%(name)s is out of stock.") % {"name": product.name})
    cart, _created = Cart.objects.get_or_create(patient=patient)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    item = CartItem.objects.filter(cart=cart, product=product).first()
    total = quantity + (item.quantity if item else 0)
    if total > MAX_QUANTITY:
        raise ShopError(_("Enter a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY})
    if product.stock is not None and total > product.stock:
        raise ShopError(
            _("Only %(count)s of %(name)s left.") % {"count": product.stock, "name": product.name}
        )
    if item is None:
        item = CartItem(cart=cart, product=product)
    item.quantity = total
    item.seen_price_minor = product.price_minor
    item.seen_tax_rate_bp = product.tax_rate_bp
    item.save()
    cart.save(update_fields=["updated_at"])
    _changed_cart(patient)
    return item


def _item(patient, item_id) -> CartItem:
    item = (
        CartItem.objects.select_related("product").filter(cart__patient=patient, pk=item_id).first()
        if str(item_id).isdigit()
        else None
    )
    if item is None:
        raise Denied(CartItem, item_id)
    return item


@transaction.atomic
def set_quantity(*, patient, item_id, quantity, acting_user) -> CartItem:
    item = _item(patient, item_id)
    quantity = _check_quantity(quantity)
    product = item.product
    if product.stock is not None and quantity > product.stock:
        raise ShopError(
            _("Only %(count)s of %(name)s left.") % {"count": product.stock, "name": product.name}
        )
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    _changed_cart(patient)
    return item


@transaction.atomic
def remove_from_cart(*, patient, item_id, acting_user) -> None:
    _item(patient, item_id).delete()
    _changed_cart(patient)


@transaction.atomic
def clear_cart(*, patient, acting_user) -> None:
    CartItem.objects.filter(cart__patient=patient).delete()
    _changed_cart(patient)


@transaction.atomic
def accept_cart_changes(*, patient, acting_user) -> None:
    """The patient has seen the current prices: remember them, drop what cannot be had and
    lower quantities to what is in stock."""
    for item in CartItem.objects.select_related("product").filter(cart__patient=patient):
        product = item.product
        if not product.visible_in_portal or product.archived or product.stock == 0:
            item.delete()
            continue
        if product.stock is not None and item.quantity > product.stock:
            item.quantity = product.stock
        item.seen_price_minor = product.price_minor
        item.seen_tax_rate_bp = product.tax_rate_bp
        item.save(update_fields=["quantity", "seen_price_minor", "seen_tax_rate_bp"])
    _changed_cart(patient)


# --- Placing an order ---------------------------------------------------------------------------


def _event(order: Order, kind: str, actor=None, note: str = "") -> None:
    OrderEvent.objects.create(
        order=order,
        kind=kind,
        status=order.status,
        note=note[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _notify(order: Order, kind: str) -> None:
    transaction.on_commit(lambda: _tasks().notify_order.enqueue(order_id=order.pk, event=kind))


def _start_payment(order: Order) -> None:
    """Make the order's payment; pay-at-the-clinic orders go straight to Processing."""
    payment = payments.start_payment(
        brand=order.brand,
        patient=order.patient,
        description=_("Order %(number)s") % {"number": order.number},
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    order.payment = payment
    if payment.status == Payment.Status.DUE:
        order.status = Status.PROCESSING


@transaction.atomic
def place_order(*, patient, acting_user, notes: str = "", fingerprint: str) -> Order:
    """Turn the patient's cart into an order (see the module docstring)."""
    cart = Cart.objects.select_for_update().filter(patient=patient).first()
    if cart is None:
        raise ShopError(_("Your cart is empty."))
    items = access.cart_items(patient)
    if not items:
        raise ShopError(_("Your cart is empty."))
    review = access.review_cart(patient, items)
    if review.problems:
        raise CartChanged(
            _("Your cart changed. Please check it before you pay."), problems=review.problems
        )
    if fingerprint != review.fingerprint:
        raise CartChanged(_("Your cart changed in another window. Please check it before you pay."))
    if len({line.product.currency for line in review.lines}) > 1:
        raise ShopError(_("Items in different currencies cannot be paid together."))
    # Take the stock: one conditional update per product, in a fixed order.
    for line in sorted(review.lines, key=lambda line: line.product.pk):
        if line.product.stock is None:
            continue
        taken = Product.objects.filter(
            pk=line.product.pk, stock__gte=line.item.quantity, visible_in_portal=True
        ).update(stock=F("stock") - line.item.quantity)
        if not taken:
            left = (
                Product.objects.filter(pk=line.product.pk).values_list("stock", flat=True).first()
            )
            raise ShopError(
                _("Sorry, %(name)s just sold out.") % {"name": line.product.name}
                if not left
                else _("Sorry, only %(count)s of %(name)s are left.")
                % {"count": left, "name": line.product.name}
            )
    totals = review.totals
    order = Order.objects.create(
        number=_number(),
        brand_id=patient.brand_id,
        patient=patient,
        notes=(notes or "").strip()[:1000],
        currency=review.currency,
        subtotal_minor=totals.subtotal_minor,
        tax_minor=totals.tax_minor,
        total_minor=totals.total_minor,
        approval=Approval.AWAITING if review.restricted else Approval.NOT_NEEDED,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=line.product,
            name=line.product.name,
            sku=line.product.sku,
            quantity=line.item.quantity,
            unit_price_minor=line.product.price_minor,
            tax_rate_bp=line.product.tax_rate_bp,
            net_minor=line.line.net_minor,
            tax_minor=line.line.tax_minor,
            restricted=line.product.restricted,
        )
        for line in review.lines
    )
    if not review.restricted:
        _start_payment(order)
        order.save(update_fields=["payment", "status"])
    CartItem.objects.filter(cart=cart).delete()
    _changed_cart(patient)
    _event(order, "placed", acting_user)
    audit.record(acting_user, "shop.order_placed", order, brand=order.brand)
    if review.restricted:
        transaction.on_commit(lambda: _tasks().notify_staff.enqueue(order_id=order.pk))
    _notify(order, "placed")
    return order


# --- Staff ------------------------------------------------------------------------------------


def _lock(order: Order, *, brand=None, version=None) -> Order:
    if brand is not None and order.brand_id != brand.pk:
        raise PermissionDenied
    if order.payment_id:
        # Payments lock the payment, then the order (``order_paid``): the same order here.
        Payment.objects.select_for_update().filter(pk=order.payment_id).first()
    locked = (
        Order.objects.select_for_update(of=("self",))
        .select_related("brand", "patient", "payment")
        .get(pk=order.pk)
    )
    if version is not None and str(locked.version) != str(version):
        raise ShopError(_("This order was just changed. Here is how it stands now."))
    return locked


def _save(order: Order, *fields: str) -> None:
    order.version += 1
    order.save(update_fields=[*fields, "version", "updated_at"])


def _give_stock_back(order: Order) -> None:
    lines = order.lines.filter(product__stock__isnull=False).values_list("product_id", "quantity")
    for product_id, quantity in lines:
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)


@transaction.atomic
def approve_order(*, order: Order, brand, acting_user, version) -> Order:
    """Staff approve an order with restricted items: the patient may now pay for it."""
    order = _lock(order, brand=brand, version=version)
    if order.approval != Approval.AWAITING or order.status != Status.PENDING:
        raise ShopError(_("This order is not waiting for approval."))
    order.approval = Approval.APPROVED
    _start_payment(order)
    _save(order, "approval", "payment", "status")
    _event(order, "approved", acting_user)
    audit.record(acting_user, "shop.order_approved", order, brand=order.brand)
    _notify(order, "approved")
    return order


@transaction.atomic
def decline_order(*, order: Order, brand, acting_user, version, reason: str) -> Order:
    """Staff decline an order with restricted items, saying why; the stock goes back."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise ShopError(_("Please tell the patient why the order is declined."))
    order = _lock(order, brand=brand, version=version)
    if order.approval != Approval.AWAITING or order.status != Status.PENDING:
        raise ShopError(_("This order is not waiting for approval."))
    order.approval = Approval.DECLINED
    order.decline_reason = reason
    order.status = Status.CANCELLED
    _save(order, "approval", "decline_reason", "status")
    _give_stock_back(order)
    _event(order, "declined", acting_user, reason)
    audit.record(acting_user, "shop.order_declined", order, brand=order.brand)
    _notify(order, "declined")
    return order


@transaction.atomic
def set_status(*, order: Order, brand, acting_user, version, status: str) -> Order:
    """Staff move an order on: Processing → Ready for pickup → Completed."""
    order = _lock(order, brand=brand, version=version)
    allowed = NEXT_STATUSES.get(order.status, ())
    if status not in allowed:
        raise ShopError(
            _("An order cannot move from %(from)s to that status.")
            % {"from": order.get_status_display()}
        )
    if status == Status.COMPLETED and not (order.payment and order.payment.is_paid):
        raise ShopError(_("Record the payment before completing the order."))
    order.status = status
    _save(order, "status")
    _event(order, status, acting_user)
    audit.record(acting_user, "shop.order_status", order, brand=order.brand, status=status)
    _notify(order, status)
    return order


@transaction.atomic
def cancel_order(*, order: Order, acting_user, version, reason: str = "", brand=None) -> Order:
    """Cancel an open order: by the patient while it is unpaid, by staff (``brand``) at any
    point before it is completed — a paid order is refunded in full. The stock goes back."""
    order = _lock(order, brand=brand, version=version)
    by_staff = brand is not None
    if not by_staff and order.patient.user_id != getattr(acting_user, "pk", None):
        raise PermissionDenied
    if not order.is_open:
        raise ShopError(_("This order can no longer be cancelled."))
    payment = order.payment
    paid = payment is not None and payment.is_paid
    if paid and not by_staff:
        raise ShopError(_("This order is paid already. Please contact the clinic to cancel it."))
    reason = (reason or "").strip()[:500] or (
        _("Cancelled by the clinic.") if by_staff else _("Cancelled by you.")
    )
    if payment is not None and not paid:
        payments.cancel_unpaid(payment)
    if payment is not None and paid:
        try:
            payments.create_refund(
                payment=payment,
                amount_minor=payment.refundable_minor,
                reason=_("Order %(number)s cancelled: %(reason)s")
                % {"number": order.number, "reason": reason},
                acting_user=acting_user,
            )
        except PaymentError as exc:
            raise ShopError(exc.message) from None
    order.status = Status.CANCELLED
    _save(order, "status")
    _give_stock_back(order)
    _event(order, "cancelled", acting_user, reason)
    audit.record(acting_user, "shop.order_cancelled", order, brand=order.brand)
    _notify(order, "cancelled")
    return order


# --- From payments (``receivers``) -------------------------------------------------------------


def order_paid(payment: Payment) -> bool | None:
    """Inside ``record_paid``: the order of ``payment`` is paid. False when it was cancelled
    meanwhile (payments then give the money back); None when no order has this payment."""
    order = Order.objects.select_for_update().filter(payment=payment).first()
    if order is None:
        return None
    if order.status == Status.CANCELLED:
        return False
    if order.status == Status.PENDING:
        order.status = Status.PROCESSING
        _save(order, "status")
    _event(order, "paid", payment.recorded_by)
    _notify(order, "paid")
    return True


def order_refunded(payment: Payment) -> None:
    """Inside ``record_refunded``: a fully refunded order is Refunded."""
    order = Order.objects.select_for_update().filter(payment=payment).first()
    if order is None or payment.status != Payment.Status.REFUNDED:
        return
    if order.status != Status.REFUNDED:
        order.status = Status.REFUNDED
        _save(order, "status")
        _event(order, "refunded")
        _notify(order, "refunded")


def explain(order: Order) -> tax.Totals:
    """The order's totals with the tax per rate, from its frozen lines."""
    return tax.totals(
        tax.Line(line.quantity, line.unit_price_minor, line.tax_rate_bp)
        for line in order.lines.all()
    )
