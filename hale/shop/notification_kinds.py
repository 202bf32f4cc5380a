"""Notification kinds of the shop."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register

ORDER = register(
    Kind(
        key="shop.order",
        label=_("Orders"),
        description=_("When you place an order and whenever its status changes."),
        portals=(PATIENT,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        user_can_disable=False,
        order=70,
    )
)

TO_APPROVE = register(
    Kind(
        key="shop.order_to_approve",
        label=_("Orders to approve"),
        description=_("When a patient orders prescription or consultation-required items."),
        portals=(PLATFORM,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        order=71,
    )
)
