"""Notification kinds of the specialist application review (discovered by notifications)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PLATFORM, Kind, register

# Review decisions are about the specialist's livelihood: always sent, not switchable.
_DECISION: dict[str, Any] = {
    "portals": (PLATFORM,),
    "channels": frozenset({EMAIL, IN_APP}),
    "default_channels": frozenset({EMAIL, IN_APP}),
    "user_can_disable": False,
}

APPLICATION_APPROVED = register(
    Kind(
        key="specialist.application_approved",
        label=_("Application approved"),
        description=_("When your specialist application is approved."),
        order=30,
        **_DECISION,
    )
)

APPLICATION_CHANGES_REQUESTED = register(
    Kind(
        key="specialist.application_changes_requested",
        label=_("Changes requested on your application"),
        description=_("When a reviewer asks you to change your specialist application."),
        order=31,
        **_DECISION,
    )
)

APPLICATION_REJECTED = register(
    Kind(
        key="specialist.application_rejected",
        label=_("Application declined"),
        description=_("When your specialist application is declined."),
        order=32,
        **_DECISION,
    )
)

REFERRAL = register(
    Kind(
        key="specialist.referral",
        label=_("New referral"),
        description=_("When someone signs up through your referral link."),
        order=33,
        portals=(PLATFORM,),
    )
)
