"""Sign-up on a brand with published Terms and Privacy Policy requires consent, and records it."""

import pytest
from django.test import override_settings

from conftest import PASSWORD
from hale.accounts.models import Patient, User
from hale.legal.forms import CONSENT_FIELD
from hale.legal.models import LegalAcceptance

CALM = "calm.localhost"
EMAIL = "new.person@example.com"


def signup_data(client, **extra) -> dict:
    """What a person types into whatever sign-up form allauth renders here."""
    form = client.get("/accounts/signup/").context["form"]
    data = {"email": EMAIL}
    for name in ("password1", "password2"):
        if name in form.fields:
            data[name] = PASSWORD
    return {**data, **extra}


def test_signup_form_shows_the_consent_box_last_with_links(anonymous, calm_documents):
    client = anonymous(CALM)
    response = client.get("/accounts/signup/")
    form = response.context["form"]
    assert list(form.fields)[-1] == CONSENT_FIELD
    html = response.content.decode()
    assert "I accept the" in html
    assert 'href="/legal/terms/"' in html and 'href="/legal/privacy/"' in html


def test_signup_without_consent_is_refused_and_creates_nothing(anonymous, calm_documents):
    client = anonymous(CALM)
    response = client.post("/accounts/signup/", signup_data(client))
    assert response.status_code == 200
    assert "accept the Terms of Service and the Privacy Policy" in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()
    assert not Patient.objects.filter(email=EMAIL).exists()
    assert not LegalAcceptance.objects.exists()


def test_signup_with_consent_records_each_current_version_with_the_ip(
    anonymous, calm_documents, staff_a, publish
):
    terms_v2 = publish(calm_documents[0].brand, staff_a, "terms")
    client = anonymous(CALM)
    response = client.post(
        "/accounts/signup/",
        signup_data(client, **{CONSENT_FIELD: "on"}),
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        HTTP_USER_AGENT="Mozilla/5.0 Test",
    )
    assert response.status_code == 302
    user = User.objects.get(email=EMAIL)
    rows = {a.document.kind: a for a in LegalAcceptance.objects.filter(user=user)}
    assert set(rows) == {"terms", "privacy"}
    assert rows["terms"].document == terms_v2 and rows["terms"].version == 2
    assert rows["privacy"].version == 1
    # X-Forwarded-For is not believed unless a setting says a proxy of ours added it.
    assert {r.ip_address for r in rows.values()} == {"198.51.100.7"}
    assert rows["terms"].user_agent == "Mozilla/5.0 Test"
    assert rows["terms"].brand.slug == "calm"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(anonymous, calm_documents):
    client = anonymous(CALM)
    client.post(
        "/accounts/signup/",
        signup_data(client, **{CONSENT_FIELD: "on"}),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50",
    )
    assert set(LegalAcceptance.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}


def test_the_new_patient_is_not_sent_to_the_consent_page(anonymous, calm_documents):
    client = anonymous(CALM)
    client.post("/accounts/signup/", signup_data(client, **{CONSENT_FIELD: "on"}))
    response = client.get("/help/")
    assert response.status_code == 200


@pytest.mark.parametrize("host", [CALM, "localhost"])
def test_no_consent_box_where_nothing_is_published(anonymous, brand_a, host):
    client = anonymous(host)
    assert CONSENT_FIELD not in client.get("/accounts/signup/").context["form"].fields
    response = client.post("/accounts/signup/", signup_data(client))
    assert response.status_code == 302
    assert User.objects.filter(email=EMAIL).exists()
    assert not LegalAcceptance.objects.exists()


def test_another_brands_documents_do_not_ask_for_consent(
    anonymous, brand_a, brand_b, staff_b, publish
):
    publish(brand_b, staff_b, "terms")
    client = anonymous(CALM)
    assert CONSENT_FIELD not in client.get("/accounts/signup/").context["form"].fields


def test_only_terms_published_names_only_the_terms(anonymous, brand_a, staff_a, publish):
    publish(brand_a, staff_a, "terms")
    client = anonymous(CALM)
    response = client.post("/accounts/signup/", signup_data(client))
    html = response.content.decode()
    assert "To create an account, accept the Terms of Service." in html
    assert 'href="/legal/privacy/"' not in html


def test_every_allauth_sign_up_form_carries_the_consent_box():
    from allauth.account.forms import SignupForm as AccountSignupForm
    from allauth.account.views import SignupView
    from allauth.socialaccount.forms import SignupForm as SocialSignupForm

    from hale.legal.forms import ConsentSignupForm

    configured = SignupView().get_form_class()  # ACCOUNT_FORMS["signup"], if any
    for form_class in (AccountSignupForm, configured, SocialSignupForm):
        assert issubclass(form_class, ConsentSignupForm), form_class
