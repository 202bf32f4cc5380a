"""The demo gives Alex documents and a note, and the private notes the lead can read."""

import pytest

from hale.demo import seed as demo
from hale.documents.models import Document, PatientNote, PrivateNote

pytestmark = pytest.mark.django_db


def test_demo_documents_and_notes(private_storage):
    demo.seed()
    alex = Document.objects.filter(patient__user__email="alex@calm.example")
    assert set(alex.values_list("shared_by_side", flat=True)) == {"staff", "specialist"}
    assert all(d.upload.content_type == "application/pdf" for d in alex)
    assert PatientNote.objects.filter(patient__user__email="alex@calm.example").count() == 1
    assert PrivateNote.objects.filter(
        specialist__user__email="dr.rivera@hale.example", patient__user__email="alex@calm.example"
    ).exists()
    assert PrivateNote.objects.filter(
        specialist__user__email="dr.okafor@hale.example",
        patient__user__email="priya@northside.example",
    ).exists()
    counts = (Document.objects.count(), PrivateNote.objects.count())
    demo.seed()
    assert (Document.objects.count(), PrivateNote.objects.count()) == counts
