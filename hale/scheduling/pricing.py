"""What a session costs on a brand: the session type's own price unless an app above sets
another for the brand (``hooks.price_override``: the brand's fixed price, or the specialist's
listing price there)."""

from dataclasses import dataclass

from hale.scheduling import hooks


@dataclass(frozen=True)
class Price:
    """An amount in the currency's minor units (cents) and an ISO 4217 code."""

    amount_minor: int
    currency: str

    @property
    def is_free(self) -> bool:
        return self.amount_minor == 0

    def __str__(self) -> str:
        # Two decimals fits the currencies we offer (EUR, USD, GBP); display only.
        return f"{self.amount_minor // 100}.{self.amount_minor % 100:02d} {self.currency}"


def session_price(session_type, brand) -> Price:
    """The price of ``session_type`` for a patient of ``brand``: the brand's fixed price when
    the brand fixes prices, else the specialist's listing price on the brand, else the
    session type's own price."""
    override = hooks.price_override.first(session_type=session_type, brand=brand)
    if override is not None:
        return Price(*override)
    return Price(session_type.price_minor, session_type.currency)
