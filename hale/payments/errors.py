"""Domain errors of payments: a message the user can read (translatable)."""


class PaymentError(Exception):
    """A request we refuse, with a message the user can read."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message
