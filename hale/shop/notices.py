"""What the shop tells people (after commit, from tasks), each in their own language."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hale.notifications.actions import notify, notify_many
from hale.notifications.email import recipient_locale
from hale.payments.models import Payment
from hale.payments.templatetags.money import money
from hale.shop.models import Order
from hale.tenancy.models import BrandMembership


def _texts(order: Order, event: str) -> tuple[str, str] | None:
    number = order.number
    total = money(order.total_minor, order.currency)
    if event == "placed":
        if order.awaiting_approval:
            return (
                _("Order %(number)s is waiting for approval") % {"number": number},
                _(
                    "Your order holds prescription or consultation items, so the clinic checks "
                    "it first. We will tell you when you can pay."
                ),
            )
        if order.payment and order.payment.status == Payment.Status.DUE:
            return (
                _("Order %(number)s received") % {"number": number},
                _("Thank you. %(total)s is due when you collect your order at the clinic.")
                % {"total": total},
            )
        return None  # paid by card: the confirmation follows the payment
    texts = {
        "approved": (
            _("Order %(number)s is approved"),
            _("The clinic approved your order. You can pay %(total)s now."),
        ),
        "declined": (
            _("Order %(number)s was declined"),
            _("The clinic declined your order. Reason: %(reason)s"),
        ),
        "paid": (
            _("Order %(number)s is confirmed"),
            _("We received %(total)s. Your order is being processed."),
        ),
        "processing": (
            _("Order %(number)s is being processed"),
            _("The clinic is preparing your order."),
        ),
        "ready": (
            _("Order %(number)s is ready for pickup"),
            _("Your order is ready. You can collect it at the clinic."),
        ),
        "completed": (
            _("Order %(number)s is completed"),
            _("Thank you. Your order is completed."),
        ),
        "cancelled": (
            _("Order %(number)s was cancelled"),
            _("Your order was cancelled. Any payment is refunded in full."),
        ),
        "refunded": (
            _("Order %(number)s was refunded"),
            _("%(total)s for your order was refunded."),
        ),
    }
    if event not in texts:
        return None
    title, body = texts[event]
    values = {"number": number, "total": total, "reason": order.decline_reason}
    return title % values, body % values


def order(order_id: int, event: str) -> None:
    found = (
        Order.objects.select_related("patient__user", "brand", "payment")
        .filter(pk=order_id)
        .first()
    )
    if found is None or found.patient.user is None:
        return
    user = found.patient.user
    with recipient_locale(user, found.brand):
        texts = _texts(found, event)
    if texts is None:
        return
    notify(
        user=user,
        kind="shop.order",
        brand=found.brand,
        title=texts[0],
        body=texts[1],
        url=reverse("shop_order", urlconf="hale.urls_brand", args=[found.uuid]),
    )


def to_approve(order_id: int) -> None:
    found = Order.objects.select_related("brand", "patient").filter(pk=order_id).first()
    if found is None or not found.awaiting_approval:
        return
    staff = [
        membership.user
        for membership in BrandMembership.objects.filter(brand=found.brand).select_related("user")
    ]
    if not staff:
        return
    notify_many(
        users=staff,
        kind="shop.order_to_approve",
        title=_("Order %(number)s needs approval") % {"number": found.number},
        body=_("%(patient)s ordered items that need a prescription or a consultation.")
        % {"patient": found.patient.full_name or found.patient.email},
        url=reverse(
            "staff_shop_order",
            urlconf="hale.urls_platform",
            args=[found.brand.slug, found.uuid],
        ),
        portal="platform",
    )
