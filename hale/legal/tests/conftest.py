"""Legal test helpers: documents are written and published through the actions, as staff
would."""

import pytest

from hale.legal import actions
from hale.legal.models import LegalDocument

TERMS = LegalDocument.Kind.TERMS
PRIVACY = LegalDocument.Kind.PRIVACY


@pytest.fixture
def publish():
    """``publish(brand, staff, kind, title=..., body=...)`` → a published LegalDocument."""

    def make(brand, staff, kind=TERMS, *, title=None, body="Be kind.", summary=""):
        draft = actions.create_draft(
            acting_user=staff,
            brand=brand,
            kind=kind,
            title=title or f"{brand.name} {LegalDocument.Kind(kind).label}",
            body_markdown=body,
            change_summary=summary,
        )
        return actions.publish_document(acting_user=staff, document=draft)

    return make


@pytest.fixture
def calm_documents(brand_a, staff_a, publish):
    """Calm's Terms v1 and Privacy v1, published."""
    return [publish(brand_a, staff_a, TERMS), publish(brand_a, staff_a, PRIVACY)]


@pytest.fixture
def accepted(calm_documents, patient_a):
    """Patient A has accepted Calm's current documents."""
    actions.record_acceptance(
        user=patient_a.user,
        brand=patient_a.brand,
        documents=calm_documents,
        ip="192.0.2.10",
        user_agent="pytest",
    )
    return calm_documents
