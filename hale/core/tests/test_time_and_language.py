import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from hale.core.middleware import TZ_COOKIE

pytestmark = pytest.mark.django_db


def test_when_filter_names_the_zone():
    moment = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    with timezone.override("Europe/Madrid"), translation.override("en"):
        rendered = Template("{{ moment|when }}").render(Context({"moment": moment}))
    assert "14:00" in rendered or "2 p.m." in rendered
    assert "(Europe/Madrid)" in rendered


def test_footer_names_the_browser_zone_for_a_guest(brand_a, anonymous):
    client = anonymous("calm.localhost")
    client.cookies[TZ_COOKIE] = "America%2FNew_York"  # as hale.js writes it
    response = client.get("/")
    assert "America/New_York" in response.content.decode()


def test_guest_without_cookie_sees_brand_zone(brand_a, anonymous):
    response = anonymous("calm.localhost").get("/")
    assert "Europe/London" in response.content.decode()


def test_saved_zone_beats_browser_cookie(patient_a, client_for):
    patient_a.user.time_zone = "Asia/Kolkata"
    patient_a.user.save(update_fields=["time_zone"])
    client = client_for(patient_a.user, "calm.localhost")
    client.cookies[TZ_COOKIE] = "America/New_York"
    assert "Asia/Kolkata" in client.get("/").content.decode()


def test_bogus_zone_cookie_falls_back(brand_a, anonymous):
    client = anonymous("calm.localhost")
    client.cookies[TZ_COOKIE] = "Mars/Olympus"
    response = client.get("/")
    assert response.status_code == 200
    assert "Europe/London" in response.content.decode()


def test_switching_language_sets_cookie_and_html_lang(brand_a, anonymous):
    client = anonymous("calm.localhost")
    response = client.post("/i18n/language/", {"language": "es", "next": "/help/"})
    assert response.status_code == 302 and response["Location"] == "/help/"
    page = client.get("/")
    assert '<html lang="es">' in page.content.decode()


def test_switching_language_is_saved_on_the_account(patient_a, client_for):
    client = client_for(patient_a.user, "calm.localhost")
    client.post("/i18n/language/", {"language": "es"})
    patient_a.user.refresh_from_db()
    assert patient_a.user.language == "es"


def test_unknown_language_changes_nothing(patient_a, client_for):
    client = client_for(patient_a.user, "calm.localhost")
    client.post("/i18n/language/", {"language": "xx"})
    patient_a.user.refresh_from_db()
    assert patient_a.user.language == ""


def test_language_switch_never_redirects_off_site(brand_a, anonymous):
    response = anonymous("calm.localhost").post(
        "/i18n/language/", {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_brand_default_language_applies_without_browser_preference(brand_a, anonymous):
    brand_a.default_language = "es"
    brand_a.save(update_fields=["default_language"])
    response = anonymous("calm.localhost").get("/")
    assert '<html lang="es">' in response.content.decode()
