"""The Terms and the Privacy Policy on a brand's site: the current version with its number and
date, earlier versions at their own address, never a draft or another brand's text."""

from hale.legal import actions
from hale.legal.tests.conftest import TERMS

CALM = "calm.localhost"


def test_current_version_with_number_and_date(anonymous, calm_documents):
    response = anonymous(CALM).get("/legal/terms/")
    assert response.status_code == 200
    html = response.content.decode()
    assert calm_documents[0].title in html
    assert "Version 1" in html and "<time datetime=" in html
    assert "<p>Be kind.</p>" in html


def test_earlier_versions_stay_readable(anonymous, calm_documents, brand_a, staff_a, publish):
    publish(brand_a, staff_a, TERMS, title="Terms, second edition", body="Be kinder.")
    client = anonymous(CALM)
    current = client.get("/legal/terms/").content.decode()
    assert "Terms, second edition" in current and 'href="/legal/terms/v/1/"' in current
    old = client.get("/legal/terms/v/1/").content.decode()
    assert "Be kind." in old and "it no longer applies" in old
    assert 'href="/legal/terms/"' in old


def test_drafts_are_never_shown(anonymous, calm_documents, brand_a, staff_a):
    actions.create_draft(
        acting_user=staff_a, brand=brand_a, kind=TERMS, title="Secret", body_markdown="Draft."
    )
    client = anonymous(CALM)
    assert client.get("/legal/terms/v/2/").status_code == 404
    assert "Secret" not in client.get("/legal/terms/").content.decode()


def test_nothing_published_or_unknown_kind_is_404(anonymous, brand_a):
    client = anonymous(CALM)
    assert client.get("/legal/privacy/").status_code == 404
    assert client.get("/legal/cookies/").status_code == 404


def test_another_brands_documents_are_not_served_here(
    anonymous, brand_a, brand_b, staff_b, publish
):
    publish(brand_b, staff_b, TERMS, title="Northside Terms")
    assert anonymous(CALM).get("/legal/terms/").status_code == 404
    assert anonymous("northside.localhost").get("/legal/terms/").status_code == 200
