"""Notification kinds of consents."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register

CONSENT_REQUESTED = register(
    Kind(
        key="consent.requested",
        label=_("Documents to sign"),
        description=_("When your specialist or the clinic asks you to sign a consent."),
        portals=(PATIENT,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        user_can_disable=False,
        order=50,
    )
)
CONSENT_SIGNED = register(
    Kind(
        key="consent.signed",
        label=_("Consent signed"),
        description=_("When one of your patients signs a consent."),
        portals=(PLATFORM,),
        order=51,
    )
)
