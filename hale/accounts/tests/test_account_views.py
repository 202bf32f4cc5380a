"""My Account pages: overview, profile, language and time zone, on brand and platform hosts."""

import pytest
from django.test import Client

from hale.accounts.models import Patient
from hale.core.models import AuditEvent


def test_anonymous_visitor_is_sent_to_sign_in(anonymous, brand_a):
    response = anonymous("calm.localhost").get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/")


def test_patient_sees_my_account_in_the_brand_shell(client_for, patient_a):
    response = client_for(patient_a.user, "calm.localhost").get("/account/")
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/account/overview.html"
    assert "patient/base.html" in [t.name for t in response.templates]
    html = response.content.decode()
    for link in [
        "/account/profile/",
        "/account/preferences/",
        "/notifications/preferences/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/account/sessions/",
        'id="your-data"',
    ]:
        assert link in html
    # The header links to it next to the person's name.
    assert 'class="site-tools__account" href="/account/"' in html


def test_specialist_sees_my_account_in_the_specialist_shell(client_for, specialist):
    response = client_for(specialist.user, "localhost").get("/account/")
    assert response.status_code == 200
    assert "specialist/base.html" in [t.name for t in response.templates]
    assert "Phone" not in response.content.decode()


def test_patient_updates_name_and_phone_on_their_brand(client_for, patient_a, brand_b):
    other = Patient.objects.create(
        brand=brand_b, user=patient_a.user, email=patient_a.email, phone="+1 999"
    )
    client = client_for(patient_a.user, "calm.localhost")
    response = client.post(
        "/account/profile/", {"full_name": "  Alice   Newname ", "phone": "+44 20 7946 0000"}
    )
    assert response.status_code == 302
    patient_a.refresh_from_db()
    patient_a.user.refresh_from_db()
    other.refresh_from_db()
    assert patient_a.user.full_name == "Alice Newname"
    assert patient_a.full_name == "Alice Newname"
    assert patient_a.phone == "+44 20 7946 0000"
    assert other.phone == "+1 999"  # another brand's record is untouched
    assert AuditEvent.objects.filter(action="account.profile_updated").exists()


def test_a_bad_phone_number_is_refused_and_changes_nothing(client_for, patient_a):
    client = client_for(patient_a.user, "calm.localhost")
    response = client.post("/account/profile/", {"full_name": "X", "phone": "call me maybe"})
    assert response.status_code == 200
    assert "Enter a phone number" in response.content.decode()
    patient_a.refresh_from_db()
    patient_a.user.refresh_from_db()
    assert patient_a.phone == ""
    assert patient_a.user.full_name == "Alice Patient"


def test_specialist_profile_has_no_phone(client_for, specialist):
    client = client_for(specialist.user, "localhost")
    page = client.get("/account/profile/")
    assert 'name="phone"' not in page.content.decode()
    client.post("/account/profile/", {"full_name": "Dana Renamed", "phone": "+1 555 0100"})
    specialist.user.refresh_from_db()
    assert specialist.user.full_name == "Dana Renamed"


def test_saving_language_and_time_zone_updates_the_account(client_for, patient_a):
    client = client_for(patient_a.user, "calm.localhost")
    response = client.post(
        "/account/preferences/", {"language": "es", "time_zone": "America/Mexico_City"}
    )
    assert response.status_code == 302
    patient_a.user.refresh_from_db()
    assert patient_a.user.language == "es"
    assert patient_a.user.time_zone == "America/Mexico_City"
    # The next page is in Spanish.
    assert 'lang="es"' in client.get("/account/").content.decode()


def test_an_unknown_time_zone_is_refused(client_for, patient_a):
    client = client_for(patient_a.user, "calm.localhost")
    response = client.post("/account/preferences/", {"language": "en", "time_zone": "Mars/Base"})
    assert response.status_code == 200
    patient_a.user.refresh_from_db()
    assert patient_a.user.time_zone == ""


def test_posts_without_a_csrf_token_are_refused(patient_a):
    client = Client(enforce_csrf_checks=True, HTTP_HOST="calm.localhost")
    client.force_login(patient_a.user)
    for path, data in [
        ("/account/profile/", {"full_name": "Mallory"}),
        ("/account/sessions/sign-out-others/", {}),
        ("/account/session/keepalive/", {}),
        ("/accounts/password/change/", {}),
    ]:
        assert client.post(path, data).status_code == 403, path
    patient_a.user.refresh_from_db()
    assert patient_a.user.full_name == "Alice Patient"


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]
)
def test_allauth_account_pages_render_in_the_account_layout(client_for, patient_a, path):
    response = client_for(patient_a.user, "calm.localhost").get(path)
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "allauth/layouts/manage.html" in names
    assert "accounts/account/_nav.html" in names
    assert "patient/base.html" in names


def test_demo_marks_demo_emails_verified_idempotently(patient_a, patient_b):
    from allauth.account.models import EmailAddress

    from hale.accounts.demo import seed_demo_account_security

    # One demo address has no row yet, the other an unverified one: both end up verified.
    EmailAddress.objects.filter(user=patient_a.user).delete()
    EmailAddress.objects.filter(user=patient_b.user).update(verified=False)
    emails = [patient_a.user.email, patient_b.user.email]
    seed_demo_account_security(emails)
    seed_demo_account_security(emails)
    rows = EmailAddress.objects.filter(email__in=emails)
    assert rows.count() == 2
    assert all(row.verified for row in rows)


def test_approved_specialist_finds_calendar_defaults_in_my_account(specialist, client_for):
    response = client_for(specialist.user, "localhost").get("/account/")
    assert response.status_code == 200
    assert "/practice/schedule/preferences/" in response.content.decode()


def test_patient_account_has_no_calendar_defaults(patient_a, client_for):
    response = client_for(patient_a.user, "calm.localhost").get("/account/")
    assert "Calendar and booking defaults" not in response.content.decode()
