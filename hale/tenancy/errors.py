"""Domain errors of tenancy: a message the user can read (translatable)."""


class PlanError(Exception):
    """A plan change we refuse (e.g. a stale form), with a message the user can read."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message
