"""Two-factor authentication: enrolment, sign-in with TOTP or a recovery code, the brand's
name in authenticator apps, and brands that require it."""

import base64
import re
from urllib.parse import unquote

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

from conftest import HostClient, clear_cache
from hale.accounts.models import UserSession
from hale.accounts.tests.security_helpers import (
    enrol_totp,
    reauthenticate,
    sign_in,
    totp_code,
)


def _signed_in(user, host):
    client = HostClient(host)
    assert sign_in(client, user.email).status_code == 302
    return client


def test_patient_enrols_an_authenticator_app_and_gets_recovery_codes(patient_b):
    client = _signed_in(patient_b.user, "northside.localhost")
    secret, codes = enrol_totp(client)
    assert Authenticator.objects.filter(user=patient_b.user, type="totp").exists()
    assert len(codes) == 10
    page = client.get("/accounts/2fa/recovery-codes/")
    assert page.status_code == 200
    assert codes[0] in page.content.decode()


def test_the_qr_code_is_an_inline_image_naming_the_brand(patient_b):
    client = _signed_in(patient_b.user, "northside.localhost")
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    html = page.content.decode()
    match = re.search(r'<img src="(data:image/svg\+xml;base64,[^"]+)"[^>]*class="account-qr"', html)
    assert match, html
    svg = base64.b64decode(match.group(1).split(",", 1)[1]).decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    # img-src allows data: images under our CSP.
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    totp_url = unquote(page.context["totp_url"])
    assert "issuer=Northside Clinic" in totp_url
    assert client.session[SECRET_SESSION_KEY] in page.context["totp_url"]


def test_the_platform_issuer_is_hale(specialist):
    client = _signed_in(specialist.user, "localhost")
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert "issuer=Hale" in page.context["totp_url"]


def test_a_wrong_code_does_not_activate_anything(patient_b):
    client = _signed_in(patient_b.user, "northside.localhost")
    reauthenticate(client)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/totp/activate/", {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=patient_b.user).exists()


def test_sign_in_with_password_and_an_authenticator_code(patient_b):
    secret, _codes = enrol_totp(_signed_in(patient_b.user, "northside.localhost"))
    client = HostClient("northside.localhost")
    response = sign_in(client, patient_b.user.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone does not sign in.
    assert "_auth_user_id" not in client.session
    assert client.get("/account/").status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(patient_b.user.pk)
    assert client.get("/account/").status_code == 200
    assert UserSession.objects.filter(user=patient_b.user, host="northside.localhost").exists()


def test_a_wrong_authenticator_code_does_not_sign_in(patient_b):
    secret, _codes = enrol_totp(_signed_in(patient_b.user, "northside.localhost"))
    client = HostClient("northside.localhost")
    sign_in(client, patient_b.user.email)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_in_with_a_recovery_code_uses_it_up(patient_b):
    _secret, codes = enrol_totp(_signed_in(patient_b.user, "northside.localhost"))
    client = HostClient("northside.localhost")
    sign_in(client, patient_b.user.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(patient_b.user.pk)

    # The same code does not work twice.
    again = HostClient("northside.localhost")
    sign_in(again, patient_b.user.email)
    response = again.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in again.session


def test_turning_on_two_factor_signs_out_other_sessions(
    patient_b, django_capture_on_commit_callbacks
):
    here = _signed_in(patient_b.user, "northside.localhost")
    elsewhere = _signed_in(patient_b.user, "northside.localhost")
    # allauth sends authenticator_added after commit.
    with django_capture_on_commit_callbacks(execute=True):
        enrol_totp(here)
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302
    assert "_auth_user_id" not in elsewhere.session


# --- Brands that require two-factor authentication ------------------------------------------


def test_staff_of_a_brand_requiring_mfa_are_sent_to_set_it_up(client_for, staff_a, brand_a):
    brand_a.require_mfa_for_staff = True
    brand_a.save()
    client = client_for(staff_a, "localhost")
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert "Calm Minds requires two-factor authentication for its staff" in page.content.decode()
    # Setup, reauthentication, sign-out and My Account stay reachable.
    assert client.get("/accounts/reauthenticate/").status_code == 200
    assert client.get("/account/").status_code == 200
    assert client.get("/notifications/unread-count/").status_code == 200


def test_staff_can_work_once_enrolled(staff_a, brand_a):
    brand_a.require_mfa_for_staff = True
    brand_a.save()
    client = _signed_in(staff_a, "localhost")
    enrol_totp(client)
    assert client.get("/staff/").status_code == 200


def test_the_rule_does_not_touch_other_brands_staff_or_patient_portals(
    client_for, brand_a, staff_b, staff_a
):
    brand_a.require_mfa_for_staff = True
    brand_a.save()
    assert client_for(staff_b, "localhost").get("/staff/").status_code == 200
    # Only the platform host is guarded; on a brand's portal staff are just visitors.
    assert client_for(staff_a, "calm.localhost").get("/help/").status_code == 200


def test_specialists_must_enrol_when_a_brand_requires_it(client_for, specialist, brand_b):
    client = client_for(specialist.user, "localhost")
    assert client.get("/").status_code == 200
    brand_b.require_mfa_for_specialists = True
    brand_b.save()
    response = client.get("/")
    assert response["Location"] == "/accounts/2fa/"
    assert "Specialists on Hale must use" in client.get("/accounts/2fa/").content.decode()


def test_the_last_authenticator_cannot_be_removed_while_required(staff_a, brand_a):
    client = _signed_in(staff_a, "localhost")
    enrol_totp(client)
    brand_a.require_mfa_for_staff = True
    brand_a.save()
    reauthenticate(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "cannot remove your last authenticator" in response.content.decode()
    assert Authenticator.objects.filter(user=staff_a, type="totp").exists()


def test_without_a_requirement_two_factor_can_be_turned_off(staff_a):
    client = _signed_in(staff_a, "localhost")
    enrol_totp(client)
    reauthenticate(client)
    clear_cache()
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=staff_a, type="totp").exists()


def test_staff_switch_the_requirement_on_in_brand_settings(client_for, staff_a, brand_a):
    client = client_for(staff_a, "localhost")
    page = client.get("/staff/brands/calm/settings/")
    assert 'name="require_mfa_for_staff"' in page.content.decode()
    assert 'name="require_mfa_for_specialists"' in page.content.decode()
