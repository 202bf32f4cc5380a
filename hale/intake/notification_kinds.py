"""Notification kinds of intake forms."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register

FORM_SENT = register(
    Kind(
        key="intake.sent",
        label=_("Forms to fill in"),
        description=_("When the clinic or your specialist sends you a form to fill in."),
        portals=(PATIENT,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        user_can_disable=False,
        order=52,
    )
)

FORM_SUBMITTED = register(
    Kind(
        key="intake.submitted",
        label=_("Forms filled in"),
        description=_("When a patient submits a form you sent them."),
        portals=(PLATFORM,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP}),
        order=53,
    )
)
