"""CSV downloads: a BOM for spreadsheets, and cells a spreadsheet would run as formulas are
defused with a leading apostrophe."""

import pytest

from hale.core.csvexport import csv_bytes, csv_response, safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 600", "'+33 600"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Plain, with comma", "Plain, with comma"),
        (None, ""),
        (3, "3"),
    ],
)
def test_formula_cells_are_defused(value, cell):
    assert safe_cell(value) == cell


def test_csv_has_a_bom_and_quotes_what_needs_quoting():
    data = csv_bytes(["Name", "Note"], [["José", 'He said "hi", then left']])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == [
        "Name,Note",
        'José,"He said ""hi"", then left"',
    ]


def test_the_download_is_private_and_named():
    response = csv_response("Intake – answers.csv", ["A"], [["1"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
