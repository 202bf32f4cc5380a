"""Signatures people give in a form (consents, intake forms): drawn on a pad or typed.

``SignatureField`` is a form field whose widget shows the vendored signature pad
(``static/vendor/signature_pad``: pointer, touch or mouse) and, for people who cannot draw or
use only a keyboard, "Type your name instead". Without JavaScript only the typed name is
offered. Its cleaned value is a ``CapturedSignature``: a drawn signature is checked here (a
real PNG, not too large, not blank) and re-encoded on white, cropped to the ink, so what is
kept and put in a PDF is exactly what was checked. The page that shows the field includes
``includes/signature_pad_assets.html`` once; the form adds its own "legally binding" tick.
"""

import base64
import binascii
import io
from dataclasses import dataclass

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from hale.core.markdown import one_line

DRAWN = "drawn"
TYPED = "typed"
METHODS = (DRAWN, TYPED)

PNG_DATA_URL = "data:image/png;base64,"
MAX_DATA_URL = 400_000  # characters of base64: a pad drawing is ~10-60 kB
MAX_WIDTH, MAX_HEIGHT = 3000, 1500
MIN_INK_PIXELS = 12  # a bounding box narrower or lower than this is a dot, not a signature
TYPED_MIN, TYPED_MAX = 2, 150


@dataclass(frozen=True)
class CapturedSignature:
    """A signature as given: ``method`` is ``"drawn"`` (``png`` holds the checked image) or
    ``"typed"`` (``typed_name`` holds the name, ``png`` is None)."""

    method: str
    typed_name: str = ""
    png: bytes | None = None

    @property
    def is_drawn(self) -> bool:
        return self.method == DRAWN


def signature_data_url(png: bytes) -> str:
    """A ``data:`` URL for showing a stored signature image in a page (CSP allows data: images)."""
    return PNG_DATA_URL + base64.b64encode(png).decode("ascii")


def clean_drawn_png(data_url: str) -> bytes:
    """The pad's ``data:image/png`` URL → PNG bytes on white, cropped to the ink.

    Raises ``ValidationError`` when it is not a PNG, too large or blank."""
    if not data_url.startswith(PNG_DATA_URL) or len(data_url) > MAX_DATA_URL:
        raise forms.ValidationError(_("Draw your signature again: it could not be read."))
    try:
        raw = base64.b64decode(data_url[len(PNG_DATA_URL) :], validate=True)
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format != "PNG":
                raise forms.ValidationError(_("Draw your signature again: it could not be read."))
            if probe.width > MAX_WIDTH or probe.height > MAX_HEIGHT:
                raise forms.ValidationError(_("Draw your signature again: it could not be read."))
            picture = probe.convert("RGBA")
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError) as exc:
        raise forms.ValidationError(_("Draw your signature again: it could not be read.")) from exc
    box = picture.getchannel("A").point(lambda a: 255 if a > 16 else 0).getbbox()
    if box is None or (box[2] - box[0] < MIN_INK_PIXELS and box[3] - box[1] < MIN_INK_PIXELS):
        raise forms.ValidationError(_("Draw your signature in the box, or type your name instead."))
    pad = 8
    box = (
        max(box[0] - pad, 0),
        max(box[1] - pad, 0),
        min(box[2] + pad, picture.width),
        min(box[3] + pad, picture.height),
    )
    white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(white, picture).convert("RGB").crop(box)
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=True)
    return out.getvalue()


class SignatureWidget(forms.Widget):
    """The pad, its hidden image input, and the typed-name alternative (``<name>_method``,
    ``<name>_image``, ``<name>_typed``), in a fieldset whose legend is the field's label."""

    template_name = "includes/signature_pad.html"
    use_fieldset = True

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates (not the form renderer's own engine, which only sees the
        # apps' template folders).
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308

    def value_from_datadict(self, data, files, name):
        return {
            "method": data.get(f"{name}_method", ""),
            "image": data.get(f"{name}_image", ""),
            "typed": data.get(f"{name}_typed", ""),
        }

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part in ("method", "image", "typed"))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = value if isinstance(value, dict) else {}
        method = value.get("method") if value.get("method") in METHODS else ""
        context["widget"].update(
            {
                "method": method,
                "typed": value.get("typed", ""),
                # A drawing is not sent back after an error: the person draws again.
                "id": (attrs or {}).get("id") or f"id_{name}",
            }
        )
        return context


class SignatureField(forms.Field):
    """A required signature, drawn or typed; cleans to ``CapturedSignature``."""

    widget = SignatureWidget
    default_error_messages = {
        "required": gettext_lazy("Sign by drawing in the box or typing your full name."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Signature"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if not isinstance(value, dict):
            return None
        method = value.get("method")
        if method == DRAWN and value.get("image"):
            return CapturedSignature(method=DRAWN, png=clean_drawn_png(value["image"]))
        if method == TYPED:
            typed = one_line(value.get("typed"))
            if not typed:
                return None
            if len(typed) < TYPED_MIN or len(typed) > TYPED_MAX:
                raise forms.ValidationError(
                    _("Type your full name (%(min)d to %(max)d characters).")
                    % {"min": TYPED_MIN, "max": TYPED_MAX}
                )
            if any(not ch.isprintable() for ch in typed):
                raise forms.ValidationError(_("Type your name with letters only."))
            return CapturedSignature(method=TYPED, typed_name=typed)
        return None

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
