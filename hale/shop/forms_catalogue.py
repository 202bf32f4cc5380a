"""Forms of the staff catalogue, and the parsers of what people type for a product (prices
in major units, tax rates as percents, stock, yes/no) that the CSV import shares.

Parsers raise ``Unparsable`` with a code; the form and the import each word the message for
their context ("Enter a price like 12.50." under a field, "price must be a number like
12.50" after a line number)."""

import re
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.shop.catalogue_actions import (
    MAX_PRICE_MINOR,
    MAX_STOCK,
    MAX_TAX_RATE_BP,
    product_version,
)
from hale.shop.models import Category, Product

MAX_IMPORT_BYTES = 1024 * 1024

_NUMBER = re.compile(r"(-)?(\d{1,12})(?:\.(\d{1,6}))?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_TRUE = {"yes", "true", "1"}
_FALSE = {"no", "false", "0"}


class Unparsable(ValueError):
    """What was typed is not a valid value; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _decimal_parts(text: str) -> tuple[bool, str, str]:
    text = (text or "").strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 12,50 as typed in much of Europe
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise Unparsable("invalid")
    negative, whole, fraction = match.groups()
    return bool(negative), whole, (fraction or "")


def parse_price(text: str) -> int:
    """ "12.50" → 1250 (minor units); at most two decimals, not negative, not absurd."""
    negative, whole, fraction = _decimal_parts(text)
    if negative and (int(whole) or fraction.strip("0")):
        raise Unparsable("negative")
    if len(fraction.rstrip("0")) > 2:
        raise Unparsable("decimals")
    minor = int(whole) * 100 + int((fraction + "00")[:2])
    if minor > MAX_PRICE_MINOR:
        raise Unparsable("too_large")
    return minor


def parse_tax_rate(text: str) -> int:
    """ "20" → 2000, "5.5" → 550 (basis points); a percent from 0 to 100, two decimals at most."""
    text = (text or "").strip().removesuffix("%").strip()
    if not text:
        return 0
    negative, whole, fraction = _decimal_parts(text)
    if negative and (int(whole) or fraction.strip("0")):
        raise Unparsable("range")
    if len(fraction.rstrip("0")) > 2:
        raise Unparsable("decimals")
    rate = int(whole) * 100 + int((fraction + "00")[:2])
    if rate > MAX_TAX_RATE_BP:
        raise Unparsable("range")
    return rate


def parse_stock(text: str) -> int | None:
    """Empty → None (unlimited), else a whole number from 0 to ``MAX_STOCK``."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"-\d+", text):
        raise Unparsable("negative")
    if not re.fullmatch(r"\d{1,12}", text):
        raise Unparsable("invalid")
    stock = int(text)
    if stock > MAX_STOCK:
        raise Unparsable("too_large")
    return stock


def parse_currency(text: str) -> str:
    currency = (text or "").strip().upper()
    if not _CURRENCY.fullmatch(currency):
        raise Unparsable("invalid")
    return currency


def parse_bool(text: str, *, default: bool) -> bool:
    """yes/no, true/false, 1/0 (any case); empty gives ``default``."""
    value = (text or "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise Unparsable("invalid")


def format_price(minor: int) -> str:
    """1250 → "12.50" (the way ``parse_price`` reads it back)."""
    return f"{minor // 100}.{minor % 100:02d}"


def format_tax_rate(rate_bp: int) -> str:
    """2000 → "20", 550 → "5.5", 555 → "5.55" (the way ``parse_tax_rate`` reads it back)."""
    whole, part = divmod(rate_bp, 100)
    return str(whole) if part == 0 else f"{whole}.{part:02d}".rstrip("0")


PRICE_MESSAGES = {
    "invalid": _("Enter a price like 12.50."),
    "negative": _("The price cannot be negative."),
    "decimals": _("Enter the price with at most two decimals, like 12.50."),
    "too_large": _("The price cannot be more than 1000000.00."),
}
TAX_MESSAGES = {
    "invalid": _("Enter the tax rate as a percent, like 20 or 5.5."),
    "range": _("The tax rate must be from 0 to 100 %."),
    "decimals": _("Enter the tax rate with at most two decimals, like 5.5."),
}


class ProductForm(forms.ModelForm):
    """A product as staff type it: price in major units, tax rate as a percent, stock blank
    for unlimited. Saving is ``catalogue_actions.save_product`` (see ``values``)."""

    new_category = forms.CharField(
        label=_("Or a new category"),
        max_length=80,
        required=False,
        help_text=_("Type a name to create a category for this product."),
    )
    price = forms.CharField(
        label=_("Price"), max_length=20, help_text=_("Before tax, for example 12.50.")
    )
    tax_rate = forms.CharField(
        label=_("Tax rate (%)"),
        max_length=10,
        initial="0",
        help_text=_("A percent, for example 20 or 5.5."),
    )
    stock = forms.IntegerField(
        label=_("Stock"),
        required=False,
        min_value=0,
        max_value=MAX_STOCK,
        help_text=_("Leave empty for unlimited stock."),
        error_messages={
            "invalid": _("Enter the stock as a whole number, or leave it empty."),
            "min_value": _("The stock cannot be negative."),
            "max_value": _("The stock cannot be more than 1000000."),
        },
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Product
        fields = [
            "name",
            "sku",
            "description",
            "category",
            "currency",
            "visible_in_portal",
            "prescription_required",
            "consultation_required",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.brand = brand
        category = cast(forms.ModelChoiceField, self.fields["category"])
        category.queryset = Category.objects.filter(brand=brand)
        category.required = False
        category.empty_label = _("No category")
        self.fields["currency"].help_text = _("Three letters, for example EUR.")
        product = self.instance
        if product.pk:
            self.initial.setdefault("price", format_price(product.price_minor))
            self.initial.setdefault("tax_rate", format_tax_rate(product.tax_rate_bp))
            self.initial.setdefault("stock", product.stock)
            self.initial.setdefault("version", product_version(product))
        self.order_fields(
            [
                "name",
                "sku",
                "description",
                "category",
                "new_category",
                "price",
                "currency",
                "tax_rate",
                "stock",
                "visible_in_portal",
                "prescription_required",
                "consultation_required",
            ]
        )

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip()
        if not sku:
            raise forms.ValidationError(_("Enter a SKU."))
        other = (
            Product.objects.filter(brand=self.brand, sku=sku)
            .exclude(pk=self.instance.pk)
            .values_list("archived", flat=True)
            .first()
        )
        if other is not None:
            raise forms.ValidationError(
                _("An archived product already has this SKU. Choose another one.")
                if other
                else _("Another product already has this SKU.")
            )
        return sku

    def clean_price(self) -> int:
        try:
            return parse_price(self.cleaned_data["price"])
        except Unparsable as exc:
            raise forms.ValidationError(PRICE_MESSAGES[exc.code]) from None

    def clean_tax_rate(self) -> int:
        try:
            return parse_tax_rate(self.cleaned_data["tax_rate"])
        except Unparsable as exc:
            raise forms.ValidationError(
                TAX_MESSAGES.get(exc.code, TAX_MESSAGES["invalid"])
            ) from None

    def clean_currency(self) -> str:
        try:
            return parse_currency(self.cleaned_data["currency"])
        except Unparsable:
            raise forms.ValidationError(
                _("Enter a three-letter currency code, for example EUR.")
            ) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") and (cleaned.get("new_category") or "").strip():
            self.add_error("new_category", _("Choose a category or type a new one, not both."))
        return cleaned

    def values(self) -> dict:
        """The cleaned product as ``catalogue_actions.ProductValues`` keyword arguments."""
        data = self.cleaned_data
        category = data.get("category")
        return {
            "sku": data["sku"],
            "name": data["name"],
            "description": data.get("description", ""),
            "category_name": (data.get("new_category") or "").strip()
            or (category.name if category else ""),
            "price_minor": data["price"],
            "currency": data["currency"],
            "tax_rate_bp": data["tax_rate"],
            "stock": data.get("stock"),
            "visible_in_portal": data["visible_in_portal"],
            "prescription_required": data["prescription_required"],
            "consultation_required": data["consultation_required"],
        }


class ProductImageForm(forms.Form):
    """A picture for a product; the file's checks are the upload pipeline's."""

    file = forms.FileField(label=_("Picture"))
    alt = forms.CharField(
        label=_("Description of the picture"),
        max_length=200,
        required=False,
        help_text=_("What the picture shows, for people who cannot see it."),
    )

    def __init__(self, *args, policy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        images = sorted(mime for mime in policy.allowed_types if mime.startswith("image/"))
        field = self.fields["file"]
        field.widget.attrs["accept"] = ",".join(images) if images else "image/*"
        field.help_text = policy.describe()
        self.takes_images = bool(images)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, up to 1 MB, with the columns of the export."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("This file is larger than 1 MB."))
        return file
