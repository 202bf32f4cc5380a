"""Photo and phone validation (no imaging library: size, extension, type and magic bytes)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hale.specialists.tests.conftest import JPEG, PNG, WEBP
from hale.specialists.validators import PHOTO_MAX_BYTES, validate_phone, validate_photo


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("me.png", PNG, "image/png"),
        ("me.jpg", JPEG, "image/jpeg"),
        ("me.jpeg", JPEG, "image/jpeg"),
        ("me.webp", WEBP, "image/webp"),
    ],
)
def test_accepts_jpeg_png_and_webp(name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    validate_photo(upload)
    assert upload.read() == content  # rewound for storage


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("notes.txt", b"hello there, I am text", "text/plain"),
        ("evil.png", b"<script>alert(1)</script>", "image/png"),  # lies about its type
        ("me.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
        ("me.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        ("me.jpg", PNG, "image/jpeg"),  # name and bytes disagree
        ("me.png", PNG, "application/octet-stream"),
        ("me", PNG, "image/png"),
    ],
)
def test_rejects_anything_that_is_not_a_jpeg_png_or_webp(name, content, content_type):
    with pytest.raises(ValidationError) as exc:
        validate_photo(SimpleUploadedFile(name, content, content_type=content_type))
    assert exc.value.code == "photo_wrong_type"


def test_rejects_a_file_over_five_megabytes():
    big = PNG + b"\x00" * (PHOTO_MAX_BYTES + 1 - len(PNG))
    with pytest.raises(ValidationError) as exc:
        validate_photo(SimpleUploadedFile("big.png", big, content_type="image/png"))
    assert exc.value.code == "photo_too_large"


def test_accepts_a_file_of_exactly_five_megabytes():
    exact = PNG + b"\x00" * (PHOTO_MAX_BYTES - len(PNG))
    validate_photo(SimpleUploadedFile("ok.png", exact, content_type="image/png"))


@pytest.mark.parametrize("value", ["+44 20 7946 0000", "(212) 555-0142", "600000000", ""])
def test_phone_accepts_common_forms(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["call me", "+1", "12", "+44 20 7946 0000 ext 9", "1" * 20])
def test_phone_rejects_nonsense(value):
    with pytest.raises(ValidationError):
        validate_phone(value)
