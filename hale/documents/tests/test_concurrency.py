"""State changes two people (or two tabs) can make at once, on PostgreSQL: two withdrawals
of one shared document leave one tombstone, one audit row and no file; two edits of a
private note from the same version keep exactly one; an edit racing a delete never
resurrects the note."""

import pytest
from django.db import connection

from hale.core.models import AuditEvent
from hale.documents import actions
from hale.documents.actions import DocumentError
from hale.documents.models import PrivateNote
from tests.race import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def _classify(exc: Exception) -> str:
    if isinstance(exc, DocumentError):
        return exc.code or "refused"
    if isinstance(exc, PrivateNote.DoesNotExist):
        return "gone"
    return f"error: {exc!r}"


def test_two_withdrawals_at_once_leave_one_tombstone(shared_doc, staff_a, stored_files):
    outcomes = race(
        [lambda: actions.withdraw_document(document=shared_doc, acting_user=staff_a)] * 3,
        _classify,
    )
    assert outcomes == ["applied"] * 3  # the later ones find it withdrawn and change nothing
    shared_doc.refresh_from_db()
    assert shared_doc.withdrawn_at is not None and shared_doc.upload_id is None
    assert AuditEvent.objects.filter(action="document.withdrawn").count() == 1
    assert stored_files() == []


def test_two_edits_from_the_same_version_keep_one(private_note, specialist):
    version = private_note.version

    def edit(text):
        return lambda: actions.edit_private_note(
            note=private_note, body=text, version=version, acting_user=specialist.user
        )

    outcomes = race([edit("First tab"), edit("Second tab")], _classify)
    assert outcomes == ["applied", "stale"]
    private_note.refresh_from_db()
    assert private_note.version == version + 1
    assert private_note.body in ("<p>First tab</p>", "First tab", "<p>Second tab</p>", "Second tab")


def test_an_edit_racing_a_delete_never_brings_the_note_back(private_note, specialist):
    outcomes = race(
        [
            lambda: actions.edit_private_note(
                note=private_note,
                body="Edited",
                version=private_note.version,
                acting_user=specialist.user,
            ),
            lambda: actions.delete_private_note(note=private_note, acting_user=specialist.user),
        ],
        _classify,
    )
    assert "applied" in outcomes and not [o for o in outcomes if o.startswith("error")]
    assert not PrivateNote.objects.filter(pk=private_note.pk).exists()
