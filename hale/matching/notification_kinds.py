"""Notification kinds of matching (discovered by NotificationsConfig.ready): listing
requests, read by brand staff and specialists on the platform host."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import PLATFORM, Kind, register

LISTING_REQUESTED = register(
    Kind(
        key="listing.requested",
        label=_("Listing requests"),
        description=_("When a specialist asks to be listed on a brand you work for."),
        portals=(PLATFORM,),
        order=40,
    )
)

LISTING_DECIDED = register(
    Kind(
        key="listing.decided",
        label=_("Listing request answered"),
        description=_("When a brand approves or declines your request to be listed."),
        portals=(PLATFORM,),
        order=41,
    )
)
