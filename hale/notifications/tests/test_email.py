"""Notification emails: brand theme, recipient language and zone, absolute links."""

import re

import pytest

from hale.notifications.email import public_base_url, render_notification_email
from hale.notifications.kinds import PATIENT, PLATFORM

pytestmark = pytest.mark.django_db


def _html(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def _announcement(user, brand, **extra):
    return render_notification_email(
        user=user,
        kind="brand.announcement",
        brand=brand,
        portal=PATIENT,
        title="New opening hours",
        body="We now open at 8.",
        url="/help/hours/",
        **extra,
    )


def test_email_wears_the_brand_theme_with_a_text_alternative(patient_a, brand_a):
    message = _announcement(patient_a.user, brand_a)
    html = _html(message)

    assert "Calm Minds" in html
    assert brand_a.colour_primary in html
    assert "var(--" not in html  # mail clients ignore CSS variables
    assert message.content_subtype == "plain"
    assert "New opening hours" in message.body and "We now open at 8." in message.body
    assert "<" not in message.body  # a real text body, not HTML
    assert message.from_email.startswith("Calm Minds <")


def test_links_are_absolute_on_the_brands_primary_domain(patient_a, brand_a, settings):
    settings.DEBUG = True  # the embedded setup: http, and the port of PLATFORM_URL
    settings.PLATFORM_URL = "http://localhost:8000"
    message = _announcement(patient_a.user, brand_a)

    assert "http://calm.localhost:8000/help/hours/" in message.body
    assert 'href="http://calm.localhost:8000/help/hours/"' in _html(message)
    assert "http://calm.localhost:8000/notifications/preferences/" in message.body


def test_another_brand_email_wears_that_brand(patient_b, brand_b):
    html = _html(_announcement(patient_b.user, brand_b))

    assert "Northside Clinic" in html and brand_b.colour_primary in html
    assert "Calm Minds" not in html


def test_email_is_rendered_in_the_recipients_language(patient_a, brand_a):
    patient_a.user.language = "es"

    html = _html(_announcement(patient_a.user, brand_a))

    assert re.search(r'<html lang="es"', html)


def test_without_a_saved_language_the_brands_default_language_is_used(patient_b, brand_b):
    brand_b.default_language = "es"

    html = _html(_announcement(patient_b.user, brand_b))

    assert re.search(r'<html lang="es"', html)


def test_email_shows_times_in_the_recipients_time_zone(patient_a, brand_a):
    message = _announcement(patient_a.user, brand_a)
    assert "(Europe/London)" in message.body  # the brand's zone when the user has none

    patient_a.user.time_zone = "Asia/Tokyo"
    message = _announcement(patient_a.user, brand_a)
    assert "(Asia/Tokyo)" in message.body
    assert "(Asia/Tokyo)" in _html(message)


def test_kind_without_its_own_templates_uses_the_generic_ones(patient_a, brand_a):
    html = _html(_announcement(patient_a.user, brand_a))
    assert "New opening hours" in html and "We now open at 8." in html


def test_welcome_email_has_its_own_templates(patient_a, brand_a):
    message = render_notification_email(
        user=patient_a.user,
        kind="account.welcome",
        brand=brand_a,
        portal=PATIENT,
        title="ignored",
        body="",
        url="/",
    )
    assert message.subject == "Welcome to Calm Minds"
    assert "Welcome to Calm Minds" in _html(message)


def test_platform_emails_use_the_platform_look_and_address(specialist, settings):
    settings.PLATFORM_URL = "https://hale.example.org"
    message = render_notification_email(
        user=specialist.user,
        kind="account.welcome",
        brand=None,
        portal=PLATFORM,
        title="",
        body="",
        url="/",
    )
    assert "https://hale.example.org/" in message.body
    assert "Hale" in _html(message)
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_brand_links_use_https_and_no_port_in_production(brand_a, settings):
    settings.DEBUG = False
    settings.PLATFORM_URL = "https://hale.example.org"
    assert public_base_url(brand_a) == "https://calm.localhost"

    settings.PUBLIC_PORT = "8443"
    assert public_base_url(brand_a) == "https://calm.localhost:8443"


def test_user_text_is_escaped_in_the_html_body(patient_a, brand_a):
    message = render_notification_email(
        user=patient_a.user,
        kind="brand.announcement",
        brand=brand_a,
        portal=PATIENT,
        title="<script>x</script>",
        body="<b>bold</b>",
    )
    html = _html(message)
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
