"""Writing, publishing and accepting legal documents."""

import pytest
from django.core.exceptions import ValidationError

from hale.core.models import AuditEvent
from hale.legal import access, actions
from hale.legal.models import LegalAcceptance, LegalDocument
from hale.legal.tests.conftest import PRIVACY, TERMS


def test_versions_count_up_per_brand_and_kind(brand_a, staff_a, brand_b, staff_b, publish):
    assert publish(brand_a, staff_a, TERMS).version == 1
    assert publish(brand_a, staff_a, TERMS).version == 2
    assert publish(brand_a, staff_a, PRIVACY).version == 1
    assert publish(brand_b, staff_b, TERMS).version == 1


def test_the_current_version_is_the_latest_published_one(brand_a, staff_a, publish):
    publish(brand_a, staff_a, TERMS, title="First")
    second = publish(brand_a, staff_a, TERMS, title="Second")
    actions.create_draft(
        acting_user=staff_a, brand=brand_a, kind=TERMS, title="Third", body_markdown="x"
    )
    current = access.current_documents(brand_a)
    assert [(d.kind, d.version) for d in current] == [("terms", 2)]
    assert current[0].pk == second.pk


def test_a_kind_has_one_draft_at_a_time(brand_a, staff_a):
    draft = actions.create_draft(
        acting_user=staff_a, brand=brand_a, kind=TERMS, title="T", body_markdown="x"
    )
    with pytest.raises(actions.DraftExists) as exc:
        actions.create_draft(
            acting_user=staff_a, brand=brand_a, kind=TERMS, title="T2", body_markdown="y"
        )
    assert exc.value.draft == draft
    assert LegalDocument.objects.filter(brand=brand_a).count() == 1


def test_published_versions_cannot_be_changed_or_discarded(brand_a, staff_a, publish):
    published = publish(brand_a, staff_a, TERMS, title="Original", body="Original text.")
    with pytest.raises(actions.LegalError, match="cannot be changed"):
        actions.update_draft(
            acting_user=staff_a, document=published, title="Changed", body_markdown="Changed."
        )
    with pytest.raises(actions.LegalError):
        actions.discard_draft(acting_user=staff_a, document=published)
    with pytest.raises(actions.LegalError):
        actions.publish_document(acting_user=staff_a, document=published)
    published.refresh_from_db()
    assert (published.title, published.body_markdown) == ("Original", "Original text.")
    assert published.is_published


def test_markdown_is_rendered_and_sanitised(brand_a, staff_a):
    draft = actions.create_draft(
        acting_user=staff_a,
        brand=brand_a,
        kind=TERMS,
        title="T",
        body_markdown="## Heading\n\n<script>alert(1)</script>[x](javascript:alert(1)) **bold**",
    )
    assert "<h2>Heading</h2>" in draft.body_html
    assert "<strong>bold</strong>" in draft.body_html
    assert "<script" not in draft.body_html and "javascript:" not in draft.body_html


def test_blank_text_is_refused_and_nothing_is_saved(brand_a, staff_a):
    with pytest.raises(ValidationError) as exc:
        actions.create_draft(
            acting_user=staff_a, brand=brand_a, kind=TERMS, title=" ", body_markdown=""
        )
    assert set(exc.value.message_dict) == {"title", "body_markdown"}
    assert not LegalDocument.objects.exists()


def test_staff_of_another_brand_cannot_write_or_publish(brand_a, staff_a, staff_b):
    with pytest.raises(actions.NotBrandStaff):
        actions.create_draft(
            acting_user=staff_b, brand=brand_a, kind=TERMS, title="T", body_markdown="x"
        )
    draft = actions.create_draft(
        acting_user=staff_a, brand=brand_a, kind=TERMS, title="T", body_markdown="x"
    )
    with pytest.raises(actions.NotBrandStaff):
        actions.publish_document(acting_user=staff_b, document=draft)
    with pytest.raises(actions.NotBrandStaff):
        actions.update_draft(acting_user=staff_b, document=draft, title="Y", body_markdown="y")
    draft.refresh_from_db()
    assert draft.is_draft and draft.title == "T"


def test_publishing_is_audited(brand_a, staff_a, publish):
    document = publish(brand_a, staff_a, TERMS)
    event = AuditEvent.objects.get(action="legal_document.published")
    assert event.actor == staff_a and event.brand == brand_a
    assert event.object_id == str(document.pk) and event.data["version"] == 1


def test_acceptance_records_version_time_ip_and_browser(calm_documents, patient_a):
    made = actions.record_acceptance(
        user=patient_a.user,
        brand=patient_a.brand,
        documents=calm_documents,
        ip="203.0.113.9",
        user_agent="Firefox " + "x" * 1000,
    )
    assert len(made) == 2
    row = LegalAcceptance.objects.get(document=calm_documents[0])
    assert (row.user, row.brand, row.version, row.ip_address) == (
        patient_a.user,
        patient_a.brand,
        1,
        "203.0.113.9",
    )
    assert row.accepted_at is not None and len(row.user_agent) == 400
    # Accepting again changes nothing.
    again = actions.record_acceptance(
        user=patient_a.user,
        brand=patient_a.brand,
        documents=calm_documents,
        ip="203.0.113.9",
        user_agent="x",
    )
    assert again == [] and LegalAcceptance.objects.count() == 2


def test_drafts_and_other_brands_documents_cannot_be_accepted(
    brand_a, staff_a, brand_b, staff_b, publish, patient_a
):
    draft = actions.create_draft(
        acting_user=staff_a, brand=brand_a, kind=TERMS, title="T", body_markdown="x"
    )
    northside = publish(brand_b, staff_b, TERMS)
    for documents in ([draft], [northside]):
        with pytest.raises(actions.LegalError):
            actions.record_acceptance(
                user=patient_a.user, brand=brand_a, documents=documents, ip=None, user_agent=""
            )
    assert not LegalAcceptance.objects.exists()
