"""Scheduling's domain errors: a refusal with a message the user can read."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:  # the stubs' name for a lazy translation; not installed in production
    from django_stubs_ext import StrPromise


class SchedulingError(Exception):
    """A request we refuse, with a message the user can read."""

    def __init__(self, message: "str | StrPromise") -> None:
        super().__init__(message)
        self.message = message


class SlotTaken(SchedulingError):
    def __init__(self) -> None:
        super().__init__(gettext_lazy("This time was just taken — please choose another."))


class AppointmentChanged(SchedulingError):
    """The page the person answered from showed an older version of the appointment."""

    def __init__(self) -> None:
        super().__init__(
            gettext_lazy("This appointment was just changed — here is how it stands now.")
        )
