"""The legal back office: versions per kind, new versions from the current text, drafts with a
preview, publishing with a confirmation. Another brand's staff get 404 and change nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hale.legal import actions
from hale.legal.models import LegalAcceptance, LegalDocument
from hale.legal.tests.conftest import PRIVACY, TERMS

PLATFORM = "localhost"


def url(name, *args):
    return reverse(name, args=args, urlconf="hale.urls_platform")


@pytest.fixture
def draft(brand_a, staff_a, calm_documents):
    return actions.create_draft(
        acting_user=staff_a,
        brand=brand_a,
        kind=TERMS,
        title="Calm Terms, revised",
        body_markdown="Revised text.",
    )


def test_list_shows_each_kind_with_versions_and_status(client_for, staff_a, brand_a, draft):
    response = client_for(staff_a).get(url("staff_legal_list", "calm"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Terms and privacy for Calm Minds" in html
    assert "Terms of Service" in html and "Privacy Policy" in html
    assert "Current: version 1" in html
    assert "Continue the draft of version 2" in html
    assert url("staff_legal_edit", "calm", draft.uuid) in html
    assert url("staff_legal_create", "calm", "privacy") in html


def test_list_queries_do_not_grow_with_versions(client_for, staff_a, brand_a, publish):
    client = client_for(staff_a)
    publish(brand_a, staff_a, TERMS)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("staff_legal_list", "calm")).status_code == 200
        return len(ctx.captured_queries)

    count_queries()  # the first request of a session does one-off bookkeeping
    few = count_queries()
    for _ in range(6):
        publish(brand_a, staff_a, TERMS)
        publish(brand_a, staff_a, PRIVACY)
    assert count_queries() == few


def test_new_version_starts_from_the_current_text(client_for, staff_a, calm_documents):
    response = client_for(staff_a).get(url("staff_legal_create", "calm", "terms"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == calm_documents[0].title
    assert form.initial["body_markdown"] == calm_documents[0].body_markdown
    html = response.content.decode()
    assert "new version 2" in html
    for label in ["Title", "What changed", "Text (Markdown)"]:
        assert label in html


def test_creating_saves_a_draft_patients_do_not_see(client_for, staff_a, calm_documents, anonymous):
    response = client_for(staff_a).post(
        url("staff_legal_create", "calm", "terms"),
        {"title": "Terms v2", "change_summary": "Shorter.", "body_markdown": "## New\n\nText."},
    )
    created = LegalDocument.objects.get(brand__slug="calm", kind=TERMS, version=2)
    assert response["Location"] == url("staff_legal_edit", "calm", created.uuid)
    assert created.is_draft and created.created_by == staff_a
    assert anonymous("calm.localhost").get("/legal/terms/v/2/").status_code == 404


def test_create_when_a_draft_exists_opens_the_draft(client_for, staff_a, draft):
    response = client_for(staff_a).get(url("staff_legal_create", "calm", "terms"))
    assert response["Location"] == url("staff_legal_edit", "calm", draft.uuid)


def test_editing_a_draft_saves_and_previews(client_for, staff_a, draft):
    client = client_for(staff_a)
    edit = url("staff_legal_edit", "calm", draft.uuid)
    preview = client.post(
        edit, {"intent": "preview", "title": "X", "body_markdown": "**Bold** <script>x</script>"}
    )
    html = preview.content.decode()
    assert "<strong>Bold</strong>" in html and "<script>x" not in html
    draft.refresh_from_db()
    assert draft.title == "Calm Terms, revised"  # a preview saves nothing
    live = client.post(
        url("staff_legal_preview", "calm"), {"body_markdown": "## Live"}, HTTP_HX_REQUEST="true"
    )
    assert "<h2>Live</h2>" in live.content.decode()
    response = client.post(edit, {"title": "Better title", "body_markdown": "Better text."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.body_markdown) == ("Better title", "Better text.")


def test_editing_with_blank_text_shows_errors_and_changes_nothing(client_for, staff_a, draft):
    response = client_for(staff_a).post(
        url("staff_legal_edit", "calm", draft.uuid), {"title": "", "body_markdown": ""}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.title == "Calm Terms, revised"


def test_a_published_version_is_read_only(client_for, staff_a, calm_documents):
    published = calm_documents[0]
    client = client_for(staff_a)
    page = client.get(url("staff_legal_edit", "calm", published.uuid))
    assert page.status_code == 200
    assert "cannot be changed" in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1].split("</main>")[0]
    response = client.post(
        url("staff_legal_edit", "calm", published.uuid),
        {"title": "Sneaky", "body_markdown": "Sneaky."},
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title != "Sneaky" and published.body_markdown == "Be kind."


def test_publishing_asks_for_confirmation_then_makes_the_version_current(
    client_for, staff_a, draft
):
    client = client_for(staff_a)
    publish = url("staff_legal_publish", "calm", draft.uuid)
    confirm = client.get(publish)
    assert "asked to accept this one before going on" in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft  # looking at the confirmation publishes nothing
    response = client.post(publish)
    assert response["Location"] == url("staff_legal_list", "calm")
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == staff_a


def test_discarding_a_draft(client_for, staff_a, draft):
    client = client_for(staff_a)
    discard = url("staff_legal_discard", "calm", draft.uuid)
    assert client.get(discard).status_code == 200
    client.post(discard)
    assert not LegalDocument.objects.filter(pk=draft.pk).exists()


def test_staff_of_another_brand_get_404_and_change_nothing(
    client_for, staff_b, draft, calm_documents
):
    client = client_for(staff_b)
    before = list(
        LegalDocument.objects.order_by("pk").values_list("pk", "status", "title", "body_markdown")
    )
    gets = [
        url("staff_legal_list", "calm"),
        url("staff_legal_create", "calm", "terms"),
        url("staff_legal_edit", "calm", draft.uuid),
        url("staff_legal_edit", "calm", calm_documents[0].uuid),
        url("staff_legal_publish", "calm", draft.uuid),
        url("staff_legal_discard", "calm", draft.uuid),
        # Their own brand's address with Calm's document id.
        url("staff_legal_edit", "northside", draft.uuid),
    ]
    for address in gets:
        assert client.get(address).status_code == 404, address
    posts = [
        (url("staff_legal_create", "calm", "privacy"), {"title": "X", "body_markdown": "X"}),
        (url("staff_legal_edit", "calm", draft.uuid), {"title": "X", "body_markdown": "X"}),
        (url("staff_legal_publish", "calm", draft.uuid), {}),
        (url("staff_legal_publish", "northside", draft.uuid), {}),
        (url("staff_legal_discard", "calm", draft.uuid), {}),
        (url("staff_legal_preview", "calm"), {"body_markdown": "x"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 404, address
    after = list(
        LegalDocument.objects.order_by("pk").values_list("pk", "status", "title", "body_markdown")
    )
    assert after == before


def test_patients_and_guests_cannot_use_the_back_office(client_for, patient_a, anonymous, draft):
    assert client_for(patient_a.user).get(url("staff_legal_list", "calm")).status_code == 404
    response = anonymous().get(url("staff_legal_list", "calm"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_kind_is_404(client_for, staff_a, brand_a):
    assert client_for(staff_a).get(url("staff_legal_create", "calm", "cookies")).status_code == 404


def test_staff_home_links_to_the_legal_back_office(client_for, staff_a, brand_a):
    html = client_for(staff_a).get("/staff/").content.decode()
    assert url("staff_legal_list", "calm") in html
    assert LegalAcceptance.objects.count() == 0
