"""Notification kinds of the accounts app (discovered by NotificationsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register

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

DATA_EXPORT_READY = register(
    Kind(
        key="account.data_export_ready",
        label=_("Your data export is ready"),
        description=_("When the copy of your data you asked for can be downloaded."),
        portals=(PATIENT, PLATFORM),
        channels=frozenset({EMAIL, IN_APP}),
        default_channels=frozenset({EMAIL, IN_APP}),
        # The person asked for it and the link expires: always tell them.
        user_can_disable=False,
        order=90,
    )
)
