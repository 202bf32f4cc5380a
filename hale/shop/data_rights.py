"""What the shop holds about a person, for data export and account deletion (see
``hale.core.data_rights``).

Export (a patient, every brand): each order with its lines, totals, status and notes, and
what is in their carts. Deletion: carts are emptied and open unpaid orders cancelled (their
stock goes back); orders themselves are accounting records the clinic must keep — they stay,
attached to the anonymised patient record, with the patient's own notes removed.
"""

from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.data_rights import ExportSection, export_time, register_eraser, register_exporter
from hale.shop import actions
from hale.shop.models import CartItem, Order

SECTION = "shop"


@register_exporter(
    SECTION,
    label=_("Orders"),
    description=_("What you ordered from the shop, and what is in your cart."),
)
def export_orders(user) -> ExportSection:
    orders = (
        Order.objects.filter(patient__user=user)
        .select_related("brand", "payment")
        .prefetch_related("lines")
        .order_by("placed_at", "pk")
    )
    rows = [
        {
            "order": o.number,
            "service": o.brand.name,
            "placed": export_time(o.placed_at),
            "status": o.status,
            "approval": o.approval,
            "decline_reason": o.decline_reason,
            "notes": o.notes,
            "currency": o.currency,
            "subtotal_minor": o.subtotal_minor,
            "tax_minor": o.tax_minor,
            "total_minor": o.total_minor,
            "payment": o.payment.number if o.payment else "",
            "lines": [
                {
                    "product": line.name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "unit_price_minor": line.unit_price_minor,
                    "tax_rate_bp": line.tax_rate_bp,
                    "net_minor": line.net_minor,
                    "tax_minor": line.tax_minor,
                }
                for line in o.lines.all()
            ],
        }
        for o in orders
    ]
    cart = [
        {"product": item.product.name, "quantity": item.quantity}
        for item in CartItem.objects.filter(cart__patient__user=user).select_related("product")
    ]
    return ExportSection(data={"orders": rows, "cart": cart})


@register_eraser(SECTION, order=61)
def erase_orders(user, *, acting_user) -> None:
    emptied, _by_model = CartItem.objects.filter(cart__patient__user=user).delete()
    cancelled = 0
    for order in Order.objects.filter(
        patient__user=user, status__in=Order.OPEN_STATUSES
    ).select_related("payment"):
        if order.payment is None or not order.payment.is_paid:
            actions.cancel_order(
                order=order,
                acting_user=user,
                version=None,
                reason=str(_("The account was deleted.")),
                brand=order.brand,
            )
            cancelled += 1
    Order.objects.filter(patient__user=user).exclude(notes="").update(notes="")
    audit.record(
        acting_user,
        "shop.erased",
        None,
        object_type="accounts.user",
        object_id=str(user.pk),
        cart_items=emptied,
        orders_cancelled=cancelled,
    )
