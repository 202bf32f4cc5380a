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
            "messaging_policy",
            "upload_max_mb",
        ]
    }
    data["signin_methods"] = brand.signin_methods
    data["upload_type_groups"] = brand.upload_type_groups
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


def test_staff_set_their_upload_limits_and_the_policy_follows(staff_a, brand_a, client_for):
    assert brand_a.upload_max_mb == 10 and brand_a.upload_type_groups == ["images", "pdf"]
    client = client_for(staff_a, "localhost")
    page = client.get("/staff/brands/calm/settings/").content.decode()
    assert "Largest upload (MB)" in page and "Plain text and CSV" in page

    response = client.post(
        "/staff/brands/calm/settings/",
        _data(brand_a, upload_max_mb=25, upload_type_groups=["text", "pdf"]),
    )

    assert response.status_code == 302
    brand_a.refresh_from_db()
    assert brand_a.upload_max_mb == 25
    assert brand_a.upload_type_groups == ["pdf", "text"]  # catalogue order
    policy = brand_a.upload_policy()
    assert policy.max_bytes == 25 * 1024 * 1024
    assert policy.allowed_types == {"application/pdf", "text/plain", "text/csv"}
    event = AuditEvent.objects.get(action="brand.settings_updated", actor=staff_a)
    assert set(event.data["fields"]) == {"upload_max_mb", "upload_type_groups"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"upload_max_mb": 0}, "upload_max_mb"),
        ({"upload_max_mb": 51}, "upload_max_mb"),
        ({"upload_type_groups": []}, "upload_type_groups"),
        ({"upload_type_groups": ["images", "executables"]}, "upload_type_groups"),
    ],
)
def test_out_of_range_upload_limits_are_refused_and_nothing_changes(
    staff_a, brand_a, client_for, changes, field
):
    client = client_for(staff_a, "localhost")
    response = client.post("/staff/brands/calm/settings/", _data(brand_a, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    brand_a.refresh_from_db()
    assert brand_a.upload_max_mb == 10 and brand_a.upload_type_groups == ["images", "pdf"]


def test_staff_choose_the_messaging_policy(staff_a, brand_a, client_for):
    client = client_for(staff_a, "localhost")
    page = client.get("/staff/brands/calm/settings/")
    assert 'value="assigned_only"' in page.text
    response = client.post(
        "/staff/brands/calm/settings/", _data(brand_a, messaging_policy="all_clients")
    )
    assert response.status_code == 302
    brand_a.refresh_from_db()
    assert brand_a.messaging_policy == "all_clients"
    bad = client.post("/staff/brands/calm/settings/", _data(brand_a, messaging_policy="anyone"))
    assert bad.status_code == 400 or "Select a valid choice" in bad.text
    brand_a.refresh_from_db()
    assert brand_a.messaging_policy == "all_clients"
