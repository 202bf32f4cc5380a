"""Domain errors of intake forms: a message the user can read (translatable)."""


class IntakeError(Exception):
    """A request we refuse, with a message the user can read."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


class AlreadySubmitted(IntakeError):
    """The form was submitted already (perhaps in another tab): nothing more is saved."""
