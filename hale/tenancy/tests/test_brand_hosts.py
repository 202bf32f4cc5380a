import pytest

from hale.tenancy.models import BrandDomain

pytestmark = pytest.mark.django_db


def test_each_brand_host_shows_its_own_name_and_colours(brand_a, brand_b, anonymous):
    calm = anonymous("calm.localhost").get("/")
    north = anonymous("northside.localhost").get("/")
    assert calm.status_code == 200 and north.status_code == 200
    assert b"Calm Minds" in calm.content and b"Northside Clinic" not in calm.content
    assert b"Northside Clinic" in north.content and b"Calm Minds" not in north.content
    assert brand_a.colour_primary.encode() in calm.content
    assert brand_b.colour_primary.encode() in north.content


def test_host_match_ignores_port_and_case(brand_a, anonymous):
    response = anonymous("CALM.localhost:8000").get("/")
    assert response.status_code == 200
    assert response.context["brand"] == brand_a


def test_unknown_host_gets_friendly_404_without_any_brand(brand_a, anonymous):
    response = anonymous("nowhere.localhost").get("/")
    assert response.status_code == 404
    assert b"No such portal" in response.content
    assert b"Calm Minds" not in response.content


def test_inactive_brand_is_no_portal(brand_a, anonymous):
    brand_a.is_active = False
    brand_a.save(update_fields=["is_active"])
    assert anonymous("calm.localhost").get("/").status_code == 404


def test_platform_host_serves_specialist_portal_not_a_brand(brand_a, anonymous):
    response = anonymous("localhost").get("/")
    assert response.status_code == 200
    assert response.context["brand"] is None
    assert b"Specialist portal" in response.content


def test_admin_only_on_platform_host(brand_a, anonymous):
    assert anonymous("calm.localhost").get("/admin/").status_code == 404
    assert anonymous("localhost").get("/admin/").status_code == 302


def test_staff_back_office_lists_only_own_brands(staff_a, brand_b, client_for):
    response = client_for(staff_a, "localhost").get("/staff/")
    assert response.status_code == 200
    assert list(response.context["brands"]) == [staff_a.brand_memberships.get().brand]
    assert b"Northside Clinic" not in response.content


def test_operator_sees_every_brand_in_back_office(operator, brand_a, brand_b, client_for):
    response = client_for(operator, "localhost").get("/staff/")
    assert {b.slug for b in response.context["brands"]} == {"calm", "northside"}


def test_back_office_needs_sign_in(anonymous):
    response = anonymous("localhost").get("/staff/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_domains_are_stored_lower_case(brand_a):
    domain = BrandDomain.objects.create(brand=brand_a, domain="  Calm.Example.ORG ")
    assert domain.domain == "calm.example.org"
