"""Documents personas: patient A (Calm Minds) in the care of the specialist; patient B on
Northside; specialist_2 without care of A; brand A's staff and Northside's staff."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from hale.core.pdf import PdfBuilder
from hale.core.uploads import store_upload
from hale.documents import actions
from hale.matching.models import CareRelationship

CALM = "calm.localhost"


def pdf_bytes(title="Lab results") -> bytes:
    pdf = PdfBuilder(title=title)
    pdf.heading(title)
    pdf.paragraph("All values are within range.")
    return pdf.build()


@pytest.fixture(autouse=True)
def _storage(private_storage):
    return private_storage


@pytest.fixture
def care(patient_a, specialist):
    return CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist,
        brand=patient_a.brand,
        source=CareRelationship.Source.BROWSE,
        started_at=timezone.now(),
    )


def stored(brand, user, data=None, name="results.pdf"):
    return store_upload(
        file=ContentFile(data or pdf_bytes(), name=name),
        policy=brand.upload_policy(),
        uploaded_by=user,
        brand=brand,
    )


@pytest.fixture
def shared_doc(patient_a, staff_a):
    return actions.share_document(
        patient=patient_a,
        kind="lab_results",
        title="Blood test",
        upload=stored(patient_a.brand, staff_a),
        acting_user=staff_a,
    )


@pytest.fixture
def note_a(patient_a):
    return actions.add_patient_note(
        patient=patient_a, body="My **own** note", shared=False, acting_user=patient_a.user
    )


@pytest.fixture
def private_note(care, patient_a, specialist):
    return actions.add_private_note(
        specialist=specialist,
        patient=patient_a,
        body="Clinical *impression*",
        acting_user=specialist.user,
    )
