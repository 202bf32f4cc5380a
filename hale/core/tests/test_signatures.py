import base64
import io

import pytest
from django import forms
from PIL import Image, ImageDraw

from hale.core.signatures import (
    DRAWN,
    TYPED,
    CapturedSignature,
    SignatureField,
    clean_drawn_png,
    signature_data_url,
)


class SignForm(forms.Form):
    signature = SignatureField()


def drawing(size=(600, 200), *, ink=True, fmt="PNG") -> str:
    picture = Image.new("RGBA", size, (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(picture).line(
            [(40, 150), (200, 40), (380, 160), (560, 60)], fill="black", width=4
        )
    out = io.BytesIO()
    picture.convert("RGB" if fmt == "JPEG" else "RGBA").save(out, format=fmt)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_a_drawn_signature_is_kept_on_white_cropped_to_the_ink():
    form = SignForm({"signature_method": "drawn", "signature_image": drawing()})
    assert form.is_valid(), form.errors
    value = form.cleaned_data["signature"]
    assert isinstance(value, CapturedSignature) and value.method == DRAWN
    with Image.open(io.BytesIO(value.png)) as kept:
        assert kept.format == "PNG" and kept.mode == "RGB"
        assert kept.width < 600 and kept.height < 200  # cropped
        assert kept.getpixel((0, 0)) == (255, 255, 255)


def test_a_typed_name_is_a_signature():
    form = SignForm({"signature_method": "typed", "signature_typed": "  Alex   Morgan "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["signature"] == CapturedSignature(
        method=TYPED, typed_name="Alex Morgan"
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"signature_method": "drawn", "signature_image": ""},
        {"signature_method": "typed", "signature_typed": "   "},
        {"signature_method": "something", "signature_typed": "Alex"},
    ],
)
def test_no_signature_is_refused_with_a_clear_message(data):
    form = SignForm(data)
    assert not form.is_valid()
    assert form.errors["signature"] == ["Sign by drawing in the box or typing your full name."]


def test_a_blank_pad_is_refused():
    form = SignForm({"signature_method": "drawn", "signature_image": drawing(ink=False)})
    assert not form.is_valid()
    assert "Draw your signature in the box" in form.errors["signature"][0]


@pytest.mark.parametrize(
    "image",
    [
        "data:image/png;base64,not-base64!!",
        "data:image/svg+xml;base64,PHN2Zz4=",
        drawing(fmt="JPEG"),  # JPEG bytes behind a PNG label
        drawing(size=(4000, 200)),
        "data:image/png;base64," + "A" * 500_000,
    ],
)
def test_what_is_not_a_small_png_is_refused(image):
    with pytest.raises(forms.ValidationError):
        clean_drawn_png(image)


def test_a_typed_name_too_short_or_with_control_characters_is_refused():
    short = SignForm({"signature_method": "typed", "signature_typed": "A"})
    assert not short.is_valid()
    control = SignForm({"signature_method": "typed", "signature_typed": "Alex\x07Morgan"})
    assert not control.is_valid()


def test_the_widget_renders_the_pad_hidden_and_the_typed_name_without_javascript():
    html = SignForm().as_div()
    assert "<fieldset>" in html and "<legend>Signature:</legend>" in html
    assert 'name="signature_typed"' in html and 'name="signature_image"' in html
    assert "data-signature-draw-choice hidden" in html
    assert 'value="typed" id="id_signature_typed_choice" checked' in html


def test_a_signature_image_becomes_a_data_url():
    png = clean_drawn_png(drawing())
    assert signature_data_url(png).startswith("data:image/png;base64,")
    assert base64.b64decode(signature_data_url(png).split(",", 1)[1]) == png
