"""The registry of notification kinds.

A kind says what a notification is about, which portal shows it, which channels it may use,
which of them are on by default, and whether the user may switch it off. Apps declare their
kinds in a ``notification_kinds.py`` module (discovered when the app registry is ready) or in
their ``AppConfig.ready``::

    from django.utils.translation import gettext_lazy as _
    from hale.notifications.kinds import PATIENT, Kind, register

    register(Kind(
        key="appointment.confirmed",
        label=_("Appointment confirmed"),
        description=_("When a specialist confirms your booking."),
        portals=(PATIENT,),
    ))

and then call ``hale.notifications.actions.notify(kind="appointment.confirmed", ...)``.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Portals (the same values as request.portal; kept here so this module imports no models).
PATIENT = "patient"
PLATFORM = "platform"
PORTAL_CHOICES = [(PATIENT, _("Patient portal")), (PLATFORM, _("Platform"))]

# Channels.
EMAIL = "email"
IN_APP = "in_app"
CHANNEL_CHOICES = [(IN_APP, _("In the app")), (EMAIL, _("Email"))]
ALL_CHANNELS = frozenset({EMAIL, IN_APP})


class UnknownKind(LookupError):
    """A notification kind that no app registered (a programming error, not user input)."""


@dataclass(frozen=True)
class Kind:
    """One kind of notification.

    ``portals`` lists where it is shown: PATIENT notifications belong to one brand's portal,
    PLATFORM ones to the specialist/staff host. ``channels`` are the channels the kind may use
    at all; ``default_channels`` those that are on until the user says otherwise. A kind with
    ``user_can_disable=False`` (e.g. security notices) always uses its default channels.
    """

    key: str
    label: str | Promise
    description: str | Promise = ""
    portals: tuple[str, ...] = (PATIENT,)
    channels: frozenset[str] = ALL_CHANNELS
    default_channels: frozenset[str] = ALL_CHANNELS
    user_can_disable: bool = True
    order: int = field(default=100, compare=False)

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > 64:
            raise ImproperlyConfigured(f"Notification kind key {self.key!r} must be 1-64 chars")
        if not self.portals or not set(self.portals) <= {PATIENT, PLATFORM}:
            raise ImproperlyConfigured(f"Kind {self.key}: portals must be patient and/or platform")
        if not set(self.channels) <= ALL_CHANNELS:
            raise ImproperlyConfigured(f"Kind {self.key}: unknown channel in {self.channels}")
        if not set(self.default_channels) <= set(self.channels):
            raise ImproperlyConfigured(f"Kind {self.key}: default channels must be channels")
        # Accept any iterable for convenience but store frozensets so kinds compare equal.
        object.__setattr__(self, "channels", frozenset(self.channels))
        object.__setattr__(self, "default_channels", frozenset(self.default_channels))
        object.__setattr__(self, "portals", tuple(self.portals))

    def offers(self, channel: str) -> bool:
        return channel in self.channels

    def default_for(self, channel: str) -> bool:
        return channel in self.default_channels


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add ``kind`` to the registry. Registering the same definition twice is harmless (module
    reloads); a different kind under a key that is taken is a configuration error."""
    existing = _registry.get(kind.key)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Notification kind {kind.key!r} is already registered")
    _registry[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    """Remove a kind (for tests that register throw-away kinds)."""
    _registry.pop(key, None)


def get_kind(key: str) -> Kind:
    try:
        return _registry[key]
    except KeyError:
        raise UnknownKind(f"No notification kind {key!r} is registered") from None


def all_kinds(portal: str | None = None) -> list[Kind]:
    """Registered kinds (for one portal if given), in display order."""
    kinds: Iterator[Kind] = iter(_registry.values())
    if portal is not None:
        kinds = (k for k in kinds if portal in k.portals)
    return sorted(kinds, key=lambda k: (k.order, k.key))
