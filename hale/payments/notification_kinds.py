"""Notification kinds of payments."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register

PAID = register(
    Kind(
        key="payments.paid",
        label=_("Payment confirmations"),
        description=_("When your payment is received and your session confirmed."),
        portals=(PATIENT,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        user_can_disable=False,
        order=60,
    )
)

REFUNDED = register(
    Kind(
        key="payments.refunded",
        label=_("Refunds"),
        description=_("When money is refunded to you."),
        portals=(PATIENT,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        user_can_disable=False,
        order=61,
    )
)

RELEASED = register(
    Kind(
        key="payments.released",
        label=_("Unpaid bookings released"),
        description=_("When a time held for you was released because it was not paid."),
        portals=(PATIENT,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        order=62,
    )
)

RECEIVED = register(
    Kind(
        key="payments.received",
        label=_("Payments received"),
        description=_("When a patient pays for a session with you."),
        portals=(PLATFORM,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP}),
        order=63,
    )
)
