"""Notification kinds of secure messaging."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register

MESSAGE_RECEIVED = register(
    Kind(
        key="message.received",
        label=_("New messages"),
        description=_("In the app when someone writes to you in Messages."),
        portals=(PATIENT, PLATFORM),
        channels=frozenset({IN_APP}),
        default_channels=frozenset({IN_APP}),
        user_can_disable=False,
        order=40,
    )
)

MESSAGE_UNREAD = register(
    Kind(
        key="message.unread",
        label=_("Unread messages by email"),
        description=_(
            "An email when a message waits unread for a while. It never contains the message, "
            "only a link."
        ),
        portals=(PATIENT, PLATFORM),
        channels=frozenset({EMAIL}),
        default_channels=frozenset({EMAIL}),
        order=41,
    )
)
