"""Domain errors of the shop: a message the person can read (translatable)."""


class ShopError(Exception):
    """A request we refuse, with a message the user can read; nothing was changed."""

    def __init__(self, message, *, problems: list | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class CartChanged(ShopError):
    """The cart is not what the patient last saw (a price, tax, stock or availability
    changed); ``problems`` says what, and the cart now shows the current figures."""
