"""Tax per line, rounded once half up, and the same totals everywhere."""

import pytest

from hale.shop import tax


@pytest.mark.parametrize(
    ("net", "rate", "expected"),
    [
        (333, 550, 18),  # 18.315 → 18
        (1000, 550, 55),
        (1, 5000, 1),  # 0.5 → 1 (half up)
        (3, 1650, 0),  # 0.495 → 0
        (999, 2000, 200),  # 199.8 → 200
        (2597, 2000, 519),  # 519.4 → 519
        (2598, 2000, 520),  # 519.6 → 520
        (0, 2000, 0),
        (12345, 0, 0),
        (1999, 10000, 1999),
    ],
)
def test_line_tax_rounds_half_up_once(net, rate, expected):
    assert tax.line_tax(net, rate) == expected


def test_tax_is_per_line_not_on_the_sum():
    # Two lines at 5.5 %: 18.315 + 18.315 rounded per line is 36; on the sum it would be 37.
    lines = [tax.Line(1, 333, 550), tax.Line(1, 333, 550)]
    totals = tax.totals(lines)
    assert totals.tax_minor == 36 and tax.line_tax(666, 550) == 37
    assert totals.subtotal_minor == 666 and totals.total_minor == 702
    assert totals.by_rate == ((550, 666, 36),)


def test_totals_group_by_rate():
    totals = tax.totals([tax.Line(2, 1299, 2000), tax.Line(3, 333, 550), tax.Line(1, 500, 0)])
    assert totals.by_rate == ((0, 500, 0), (550, 999, 55), (2000, 2598, 520))
    assert totals.tax_minor == 575 and totals.total_minor == 2598 + 999 + 500 + 575


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        tax.line_tax(-1, 2000)


@pytest.mark.parametrize(
    ("bp", "label"), [(2000, "20 %"), (550, "5.5 %"), (0, "0 %"), (725, "7.25 %")]
)
def test_rate_labels(bp, label):
    assert tax.rate_label(bp) == label
