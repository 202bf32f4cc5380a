"""Domain errors of consents: a message the user can read (translatable)."""


class ConsentError(Exception):
    """A request we refuse, with a message the user can read."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


class StaleVersion(ConsentError):
    """The text shown is no longer the current version."""


class AlreadySigned(ConsentError):
    """This version was signed already (e.g. in another tab)."""
