"""How the shop takes part in payments (connected in ``ShopConfig.ready``)."""

from hale.shop import actions
from hale.shop.models import Order


def payment_paid(*, payment) -> bool | None:
    return actions.order_paid(payment)


def payment_refunded(*, payment, refund) -> None:
    actions.order_refunded(payment)


def payment_notice(*, payment) -> bool | None:
    """Orders tell the patient themselves (``notices.order``)."""
    return True if Order.objects.filter(payment=payment).exists() else None
