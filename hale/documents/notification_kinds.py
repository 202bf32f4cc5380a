"""Notification kinds of documents."""

from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, Kind, register

DOCUMENT_SHARED = register(
    Kind(
        key="document.shared",
        label=_("New documents"),
        description=_(
            "When your care team shares a document with you. The email never contains the "
            "document, only a link."
        ),
        portals=(PATIENT,),
        channels=frozenset({IN_APP, EMAIL}),
        default_channels=frozenset({IN_APP, EMAIL}),
        order=45,
    )
)
