import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hale.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _data(brand, **changes):
    data = {
        f: getattr(brand, f)
        for f in [
            "name",
            "tagline",
            "colour_primary",
            "colour_accent",
            "colour_background",
            "colour_text",
            "default_language",
            "default_time_zone",
            "support_email",
        ]
    }
    data["signin_methods"] = brand.signin_methods
    data.update(changes)
    return data


def test_staff_changes_their_brand_look(staff_a, brand_a, client_for, anonymous):
    client = client_for(staff_a, "localhost")
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = client.post(
        "/staff/brands/calm/settings/",
        {**_data(brand_a, name="Calm Together", colour_primary="#123456"), "logo": logo},
    )
    assert response.status_code == 302
    brand_a.refresh_from_db()
    assert brand_a.name == "Calm Together" and brand_a.colour_primary == "#123456"
    assert brand_a.logo.name.endswith(".png")
    assert AuditEvent.objects.filter(action="brand.settings_updated", actor=staff_a).exists()
    page = anonymous("calm.localhost").get("/").content.decode()
    assert "Calm Together" in page and "#123456" in page


def test_bad_colour_and_svg_logo_are_refused_and_nothing_changes(staff_a, brand_a, client_for):
    client = client_for(staff_a, "localhost")
    svg = SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    response = client.post(
        "/staff/brands/calm/settings/",
        {**_data(brand_a, name="Changed", colour_primary="red"), "logo": svg},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "colour_primary" in errors and "logo" in errors
    brand_a.refresh_from_db()
    assert brand_a.name == "Calm Minds" and not brand_a.logo


def test_staff_of_another_brand_gets_404_and_nothing_changes(staff_b, brand_a, client_for):
    client = client_for(staff_b, "localhost")
    assert client.get("/staff/brands/calm/settings/").status_code == 404
    response = client.post("/staff/brands/calm/settings/", _data(brand_a, name="Hijacked"))
    assert response.status_code == 404
    brand_a.refresh_from_db()
    assert brand_a.name == "Calm Minds"
