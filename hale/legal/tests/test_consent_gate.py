"""Publishing a new version asks signed-in patients to accept it before going on."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hale.legal.models import LegalAcceptance
from hale.legal.tests.conftest import TERMS
from hale.tenancy.models import BrandMembership

CALM = "calm.localhost"


@pytest.fixture
def terms_v2(accepted, brand_a, staff_a, publish):
    """Calm publishes Terms v2 after patient A accepted v1."""
    return publish(brand_a, staff_a, TERMS, summary="We now explain video recordings.")


def accept_url(next_path: str) -> str:
    return f"/legal/accept/?next={quote(next_path, safe='')}"


def test_a_patient_who_accepted_the_current_versions_goes_on(client_for, patient_a, accepted):
    assert client_for(patient_a.user, CALM).get("/help/").status_code == 200


def test_publishing_v2_sends_a_signed_in_patient_to_the_accept_page(
    client_for, patient_a, terms_v2
):
    response = client_for(patient_a.user, CALM).get("/help/?q=video")
    assert response.status_code == 302
    assert response["Location"] == accept_url("/help/?q=video")


def test_the_accept_page_lists_what_changed(client_for, patient_a, terms_v2):
    response = client_for(patient_a.user, CALM).get(accept_url("/help/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "We have updated our terms" in html
    assert terms_v2.title in html and "Version 2" in html
    assert "You accepted version 1 before." in html
    assert "We now explain video recordings." in html
    assert 'href="/legal/terms/v/2/"' in html
    assert "I accept" in html and "Sign out instead" in html
    # Privacy did not change, so it is not asked again.
    assert "Privacy Policy" not in html.split("<main", 1)[1].split("</main>")[0]


def test_every_other_page_is_blocked_until_accepted(client_for, patient_a, terms_v2):
    client = client_for(patient_a.user, CALM)
    for path in ["/", "/help/", "/notifications/", "/welcome/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/legal/accept/?next="), path
    response = client.post("/notifications/read-all/")
    assert response["Location"] == accept_url("/")


def test_allowlisted_paths_stay_open(client_for, patient_a, terms_v2):
    client = client_for(patient_a.user, CALM)
    assert client.get("/legal/terms/").status_code == 200
    assert client.get("/legal/terms/v/1/").status_code == 200
    assert client.get("/legal/privacy/").status_code == 200
    assert client.get("/notifications/unread-count/").status_code == 200
    assert client.post("/i18n/language/", {"language": "en", "next": "/"}).status_code == 302
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and "/legal/accept/" not in response["Location"]


def test_htmx_requests_get_an_hx_redirect(client_for, patient_a, terms_v2):
    response = client_for(patient_a.user, CALM).get(
        "/notifications/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://calm.localhost/help/",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == accept_url("/help/")


def test_accepting_records_the_new_version_and_returns_to_next(client_for, patient_a, terms_v2):
    client = client_for(patient_a.user, CALM)
    response = client.post(
        "/legal/accept/",
        {"next": "/help/?q=video", "document": [str(terms_v2.uuid)]},
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    assert response["Location"] == "/help/?q=video"
    row = LegalAcceptance.objects.get(user=patient_a.user, document=terms_v2)
    assert (row.version, row.ip_address) == (2, "192.0.2.44")
    assert client.get("/help/").status_code == 200


def test_next_must_stay_on_this_site(client_for, patient_a, terms_v2):
    response = client_for(patient_a.user, CALM).post(
        "/legal/accept/",
        {"next": "https://evil.example/phish", "document": [str(terms_v2.uuid)]},
    )
    assert response["Location"] == "/"


def test_a_version_published_while_reading_is_shown_instead_of_accepted(
    client_for, patient_a, terms_v2, brand_a, staff_a, publish
):
    terms_v3 = publish(brand_a, staff_a, TERMS)
    response = client_for(patient_a.user, CALM).post(
        "/legal/accept/", {"next": "/", "document": [str(terms_v2.uuid)]}
    )
    assert response.status_code == 409
    assert "changed while you were reading" in response.content.decode()
    assert str(terms_v3.uuid) in response.content.decode()
    assert not LegalAcceptance.objects.filter(document__in=[terms_v2, terms_v3]).exists()


def test_with_nothing_to_accept_the_page_returns_to_next(client_for, patient_a, accepted):
    response = client_for(patient_a.user, CALM).get(accept_url("/help/"))
    assert response["Location"] == "/help/"


def test_guests_and_non_patients_are_not_gated(anonymous, client_for, terms_v2, staff_a):
    assert anonymous(CALM).get("/help/").status_code == 200
    # Staff browsing the brand's site are not its patients.
    assert client_for(staff_a, CALM).get("/help/").status_code == 200


def test_patients_of_another_brand_are_not_gated_by_this_one(client_for, patient_b, terms_v2):
    assert client_for(patient_b.user, "northside.localhost").get("/").status_code == 200


def test_the_platform_host_is_not_gated(client_for, patient_a, terms_v2, brand_a):
    BrandMembership.objects.create(brand=brand_a, user=patient_a.user)
    assert client_for(patient_a.user, "localhost").get("/staff/").status_code == 200


# --- Query counts -------------------------------------------------------------------------------


def legal_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return [q["sql"] for q in ctx.captured_queries if "legal_" in q["sql"]]


def test_no_legal_query_for_guests(anonymous, terms_v2):
    assert legal_queries(anonymous(CALM), "/help/") == []


def test_no_legal_query_on_the_platform_host(client_for, staff_a, terms_v2):
    assert legal_queries(client_for(staff_a, "localhost"), "/staff/") == []


def test_one_legal_query_per_request_for_a_signed_in_patient(
    client_for, patient_a, accepted, brand_a, staff_a, publish
):
    client = client_for(patient_a.user, CALM)
    assert len(legal_queries(client, "/help/")) == 1
    # More versions and acceptances do not add queries.
    for _ in range(3):
        publish(brand_a, staff_a, TERMS)
    assert len(legal_queries(client, "/help/")) == 1


def test_a_patient_who_never_accepted_is_asked_on_the_first_visit(
    client_for, patient_a, calm_documents
):
    """E.g. a single sign-on sign-up that allauth completed without showing a form."""
    client = client_for(patient_a.user, CALM)
    assert client.get("/")["Location"] == accept_url("/")
    html = client.get(accept_url("/")).content.decode()
    assert "Before you go on" in html
    assert "Terms of Service" in html and "Privacy Policy" in html
    assert html.count('name="document"') == 2


def test_someone_who_does_not_agree_can_still_reach_their_data(client_for, patient_a, terms_v2):
    client = client_for(patient_a.user, CALM)
    html = client.get(accept_url("/")).content.decode()
    assert 'href="/account/data/"' in html
    assert client.get("/account/data/").status_code == 200
