"""Notification kinds of the accounts app (discovered by NotificationsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PLATFORM, Kind, register

INVITATION_ACCEPTED = register(
    Kind(
        key="invitation.accepted",
        label=_("Portal invitation accepted"),
        description=_("When a patient you invited creates their account."),
        portals=(PLATFORM,),
        channels=frozenset({EMAIL, IN_APP}),
        default_channels=frozenset({IN_APP}),
        order=40,
    )
)
