"""Brand staff (and platform operators in Django admin) choose the sign-in methods."""

import pytest

from hale.core.models import AuditEvent
from hale.tenancy.forms import BrandAdminForm
from hale.tenancy.models import Brand

pytestmark = pytest.mark.django_db

LOOK = [
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


def _post(client, brand, methods):
    data = {f: getattr(brand, f) for f in LOOK}
    data["signin_methods"] = methods
    data["upload_type_groups"] = brand.upload_type_groups
    return client.post(f"/staff/brands/{brand.slug}/settings/", data)


def test_settings_page_shows_the_methods_as_a_group_of_checkboxes(staff_a, brand_a, client_for):
    html = client_for(staff_a).get("/staff/brands/calm/settings/").content.decode()

    assert "<legend>Sign-in methods</legend>" in html
    assert html.count('name="signin_methods"') == 4
    assert 'value="password" id="id_signin_methods_0" checked' in html


def test_staff_choose_their_brands_methods(staff_a, brand_a, client_for):
    response = _post(client_for(staff_a), brand_a, ["magic_link", "email_code"])

    assert response.status_code == 302
    brand_a.refresh_from_db()
    assert brand_a.signin_methods == ["email_code", "magic_link"]
    event = AuditEvent.objects.get(action="brand.settings_updated")
    assert "signin_methods" in event.data["fields"]


@pytest.mark.parametrize(
    "methods, message",
    [
        ([], "Choose at least one sign-in method."),
        (["password", "carrier-pigeon"], "Select a valid choice."),
        (["oidc"], "No single sign-on provider is set up for this brand yet"),
    ],
)
def test_bad_choices_are_refused_and_nothing_changes(
    staff_a, brand_a, client_for, methods, message
):
    response = _post(client_for(staff_a), brand_a, methods)

    assert response.status_code == 200
    assert message in response.content.decode()
    brand_a.refresh_from_db()
    assert brand_a.signin_methods == ["password"]


def test_single_sign_on_alone_is_fine_once_a_provider_is_linked(
    staff_a, brand_a, client_for, oidc_app
):
    oidc_app(brand_a)
    assert _post(client_for(staff_a), brand_a, ["oidc"]).status_code == 302
    brand_a.refresh_from_db()
    assert brand_a.signin_methods == ["oidc"]


def test_staff_of_another_brand_cannot_change_its_methods(staff_b, brand_a, client_for):
    response = _post(client_for(staff_b), brand_a, ["magic_link"])

    assert response.status_code == 404
    brand_a.refresh_from_db()
    assert brand_a.signin_methods == ["password"]


def test_the_model_refuses_unknown_or_repeated_methods(brand_a):
    from django.core.exceptions import ValidationError

    for bad in ([], ["password", "password"], ["sms"], "password"):
        brand_a.signin_methods = bad
        with pytest.raises(ValidationError):
            brand_a.full_clean()


def test_admin_edits_methods_as_checkboxes_and_links_providers(operator, brand_a, client_for):
    html = client_for(operator).get(f"/admin/tenancy/brand/{brand_a.pk}/change/").content.decode()
    assert 'type="checkbox" name="signin_methods"' in html
    assert "Single sign-on providers (OpenID Connect)" in html

    form = BrandAdminForm(
        instance=brand_a,
        data={
            **{f: getattr(brand_a, f) for f in LOOK},
            "slug": brand_a.slug,
            "discovery_mode": brand_a.discovery_mode,
            "pricing_mode": brand_a.pricing_mode,
            "features": "[]",
            "is_active": "on",
            "signin_methods": ["oidc", "password"],
        },
    )
    assert "signin_methods" not in form.errors
    assert form.cleaned_data["signin_methods"] == ["password", "oidc"]


def test_new_brands_offer_a_password(db):
    assert Brand.objects.create(slug="new", name="New").signin_methods == ["password"]
