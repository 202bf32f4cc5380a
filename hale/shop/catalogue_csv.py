"""The catalogue as CSV: the export staff download and the import they upload, in the same
columns, so an exported file imports back unchanged.

Prices are in major units ("12.50"), tax rates percents ("20", "5.5"), an empty stock is
unlimited, yes/no for the flags. The export defuses cells a spreadsheet would run as
formulas by prefixing ``'`` (``hale.core.csvexport``); the import takes that prefix off
again. The import reads the whole file first (UTF-8, with or without a BOM, comma or
semicolon separated) and lists every bad line; ``read_catalogue`` changes nothing, the
action ``catalogue_actions.import_catalogue`` applies what it read."""

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import gettext as _

from hale.core.csvexport import FORMULA_STARTS, csv_response
from hale.shop.catalogue_actions import ProductValues
from hale.shop.forms_catalogue import (
    MAX_IMPORT_BYTES,
    Unparsable,
    format_price,
    format_tax_rate,
    parse_bool,
    parse_currency,
    parse_price,
    parse_stock,
    parse_tax_rate,
)
from hale.shop.models import Product

COLUMNS = [
    "sku",
    "name",
    "description",
    "category",
    "price",
    "currency",
    "tax_rate",
    "stock",
    "visible_in_portal",
    "prescription_required",
    "consultation_required",
]
REQUIRED = ("sku", "name", "price")
# Column → ``ProductValues`` field.
FIELD_OF = {
    "sku": "sku",
    "name": "name",
    "description": "description",
    "category": "category_name",
    "price": "price_minor",
    "currency": "currency",
    "tax_rate": "tax_rate_bp",
    "stock": "stock",
    "visible_in_portal": "visible_in_portal",
    "prescription_required": "prescription_required",
    "consultation_required": "consultation_required",
}
FLAGS = ("visible_in_portal", "prescription_required", "consultation_required")
MAX_ROWS = 5000
MAX_LENGTHS = {"sku": 40, "name": 120, "description": 4000, "category": 80}
FLAG_DEFAULTS: dict[str, bool] = {
    f.name: bool(f.default) for f in dataclasses.fields(ProductValues) if f.name in FLAGS
}


# --- Export -----------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def export_rows(products: Iterable[Product]) -> Iterator[list[str]]:
    for p in products:
        yield [
            p.sku,
            p.name,
            p.description,
            p.category.name if p.category else "",
            format_price(p.price_minor),
            p.currency,
            format_tax_rate(p.tax_rate_bp),
            "" if p.stock is None else str(p.stock),
            _yes_no(p.visible_in_portal),
            _yes_no(p.prescription_required),
            _yes_no(p.consultation_required),
        ]


def export_response(brand, products: Iterable[Product]) -> HttpResponse:
    return csv_response(f"products-{brand.slug}.csv", COLUMNS, export_rows(products))


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ParsedCatalogue:
    """What a file holds: the rows, the ``ProductValues`` fields its columns give, and the
    problems found (if any, nothing may be imported)."""

    rows: list[ProductValues] = field(default_factory=list)
    fields: frozenset[str] = frozenset()
    errors: list[str] = field(default_factory=list)


def _failed(message: str) -> ParsedCatalogue:
    return ParsedCatalogue(errors=[message])


def _cell(value: str | None) -> str:
    value = value or ""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        value = value[1:]  # the export's defusing of formula-like cells
    return value.strip()


def _decode(file) -> str | ParsedCatalogue:
    raw = file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        return _failed(_("This file is larger than 1 MB."))
    if b"\x00" in raw:
        return _failed(_("This is not a CSV file. Export your spreadsheet as CSV (UTF-8)."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _failed(
            _("This file is not in UTF-8. Save it as “CSV UTF-8” in your spreadsheet program.")
        )
    if not text.strip():
        return _failed(_("This file is empty."))
    return text


def _header(cells: list[str]) -> list[str] | ParsedCatalogue:
    header = [_cell(c).lower().lstrip("\ufeff") for c in cells]
    unknown = [c for c in header if c not in FIELD_OF]
    if unknown:
        return _failed(
            _("Unknown column “%(column)s”. The columns are: %(columns)s.")
            % {"column": unknown[0], "columns": ", ".join(COLUMNS)}
        )
    if len(set(header)) != len(header):
        return _failed(_("A column appears twice in the first line."))
    if missing := [c for c in REQUIRED if c not in header]:
        return _failed(
            _("The first line must name the columns; these are missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    return header


def _read_line(line: int, cells: dict[str, str]) -> tuple[dict, list[str]]:
    """The ``ProductValues`` keyword arguments of one line, and what is wrong with it."""
    errors: list[str] = []
    values: dict = {}

    def fail(message: str) -> None:
        errors.append(_("Line %(line)s: %(problem)s") % {"line": line, "problem": message})

    for column, limit in MAX_LENGTHS.items():
        if column in cells and len(cells[column]) > limit:
            fail(
                _("%(column)s is longer than %(count)s characters")
                % {"column": column, "count": limit}
            )
    if not cells["sku"]:
        fail(_("sku is empty"))
    if not cells["name"]:
        fail(_("name is empty"))
    values["sku"], values["name"] = cells["sku"], cells["name"]
    if "description" in cells:
        values["description"] = cells["description"]
    if "category" in cells:
        values["category_name"] = cells["category"]
    try:
        values["price_minor"] = parse_price(cells["price"])
    except Unparsable as exc:
        fail(
            {
                "negative": _("price cannot be negative"),
                "decimals": _("price has more than two decimals"),
                "too_large": _("price cannot be more than 1000000.00"),
            }.get(exc.code, _("price must be a number like 12.50"))
        )
    if "currency" in cells:
        try:
            values["currency"] = parse_currency(cells["currency"] or "EUR")
        except Unparsable:
            fail(_("currency must be three letters like EUR"))
    if "tax_rate" in cells:
        try:
            values["tax_rate_bp"] = parse_tax_rate(cells["tax_rate"])
        except Unparsable as exc:
            fail(
                {
                    "range": _("tax_rate must be from 0 to 100"),
                    "decimals": _("tax_rate has more than two decimals"),
                }.get(exc.code, _("tax_rate must be a percent like 20 or 5.5"))
            )
    if "stock" in cells:
        try:
            values["stock"] = parse_stock(cells["stock"])
        except Unparsable as exc:
            fail(
                {
                    "negative": _("stock cannot be negative"),
                    "too_large": _("stock cannot be more than 1000000"),
                }.get(exc.code, _("stock must be a whole number, or empty for unlimited"))
            )
    for flag in FLAGS:
        if flag in cells:
            try:
                values[flag] = parse_bool(cells[flag], default=FLAG_DEFAULTS[flag])
            except Unparsable:
                fail(_("%(column)s must be yes or no") % {"column": flag})
    return values, errors


def read_catalogue(file, *, brand) -> ParsedCatalogue:
    """Read and check an uploaded catalogue for ``brand``, every line; nothing is changed."""
    text = _decode(file)
    if isinstance(text, ParsedCatalogue):
        return text
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    parsed = ParsedCatalogue()
    errors: list[tuple[int, str]] = []
    header: list[str] | None = None
    first_line_of: dict[str, int] = {}
    line = count = 0
    try:
        for line, cells in enumerate(reader, start=1):
            if header is None:
                checked = _header(cells)
                if isinstance(checked, ParsedCatalogue):
                    return checked
                header = checked
                parsed.fields = frozenset(FIELD_OF[c] for c in header)
                continue
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                return _failed(
                    _("A file can hold at most %(count)s products.") % {"count": MAX_ROWS}
                )
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                errors.append(
                    (
                        line,
                        _("Line %(line)s: it has more cells than the first line has columns")
                        % {"line": line},
                    )
                )
                continue
            row = {c: _cell(v) for c, v in zip(header, [*cells, *[""] * len(header)], strict=False)}
            values, problems = _read_line(line, row)
            sku = row["sku"]
            if sku and sku in first_line_of:
                problems.append(
                    _("Line %(line)s: sku %(sku)s is already on line %(first)s")
                    % {"line": line, "sku": sku, "first": first_line_of[sku]}
                )
            elif sku:
                first_line_of[sku] = line
            if problems:
                errors.extend((line, problem) for problem in problems)
            else:
                parsed.rows.append(ProductValues(**values))
    except csv.Error:
        return _failed(_("Line %(line)s is not valid CSV (check its quotes).") % {"line": line + 1})
    if header is None:
        return _failed(_("This file is empty."))
    archived = Product.objects.filter(
        brand=brand, archived=True, sku__in=list(first_line_of)
    ).values_list("sku", flat=True)
    errors.extend(
        (
            first_line_of[sku],
            _("Line %(line)s: sku %(sku)s belongs to an archived product; choose another sku")
            % {"line": first_line_of[sku], "sku": sku},
        )
        for sku in archived
    )
    if errors:
        return ParsedCatalogue(errors=[message for _line, message in sorted(errors, key=_first)])
    if not parsed.rows:
        return _failed(_("This file has no products in it."))
    return parsed


def _first(item: tuple[int, str]) -> int:
    return item[0]
