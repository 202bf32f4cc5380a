"""Tax on order lines: rates in basis points, amounts in minor units, every line's tax
rounded once (half up) and the order's tax the sum of its lines — the same numbers in the
cart, on the order, on the invoice and in reports, because they all come from here."""

from collections.abc import Iterable
from dataclasses import dataclass


def line_tax(net_minor: int, rate_bp: int) -> int:
    """Tax on a line's net amount, rounded half up to the minor unit (integers only)."""
    if net_minor < 0 or rate_bp < 0:
        raise ValueError("amounts and rates are never negative")
    return (net_minor * rate_bp * 2 + 10000) // 20000


@dataclass(frozen=True)
class Line:
    quantity: int
    unit_price_minor: int
    tax_rate_bp: int

    @property
    def net_minor(self) -> int:
        return self.quantity * self.unit_price_minor

    @property
    def tax_minor(self) -> int:
        return line_tax(self.net_minor, self.tax_rate_bp)

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.tax_minor


@dataclass(frozen=True)
class Totals:
    subtotal_minor: int
    tax_minor: int
    # (rate in basis points, net at that rate, tax at that rate), by rate
    by_rate: tuple[tuple[int, int, int], ...]

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor + self.tax_minor


def totals(lines: Iterable[Line]) -> Totals:
    by_rate: dict[int, list[int]] = {}
    subtotal = tax = 0
    for line in lines:
        subtotal += line.net_minor
        tax += line.tax_minor
        bucket = by_rate.setdefault(line.tax_rate_bp, [0, 0])
        bucket[0] += line.net_minor
        bucket[1] += line.tax_minor
    return Totals(
        subtotal_minor=subtotal,
        tax_minor=tax,
        by_rate=tuple((rate, net, t) for rate, (net, t) in sorted(by_rate.items())),
    )


def rate_label(rate_bp: int) -> str:
    """20 % for 2000, 5.5 % for 550, 0 % for 0."""
    whole, part = divmod(rate_bp, 100)
    return f"{whole} %" if part == 0 else f"{whole}.{part:02d}".rstrip("0") + " %"
