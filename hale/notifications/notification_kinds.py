"""Notification kinds of the platform foundation (discovered by NotificationsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register

ACCOUNT_WELCOME = register(
    Kind(
        key="account.welcome",
        label=_("Welcome"),
        description=_("A welcome message when you create your account."),
        portals=(PATIENT, PLATFORM),
        channels=frozenset({EMAIL, IN_APP}),
        default_channels=frozenset({EMAIL, IN_APP}),
        order=10,
    )
)

BRAND_ANNOUNCEMENT = register(
    Kind(
        key="brand.announcement",
        label=_("Announcements"),
        description=_("News and announcements from the clinic."),
        portals=(PATIENT,),
        channels=frozenset({EMAIL, IN_APP}),
        default_channels=frozenset({EMAIL, IN_APP}),
        order=20,
    )
)
