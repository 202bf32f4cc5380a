from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "hale.shop"
    verbose_name = _("Shop and orders")

    def ready(self) -> None:
        from hale.payments import hooks
        from hale.shop import receivers

        hooks.payment_paid.connect(receivers.payment_paid)
        hooks.payment_refunded.connect(receivers.payment_refunded)
        hooks.payment_notice.connect(receivers.payment_notice)
