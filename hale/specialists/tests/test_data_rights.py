"""The specialist profile in a data export, and what account deletion does to it."""

import io
import json
import zipfile

import pytest

from hale.accounts import data_rights
from hale.core.models import AuditEvent
from hale.specialists import actions
from hale.specialists.models import Education, Specialist
from hale.specialists.tests.conftest import PNG


@pytest.fixture
def reviewed(submitted, operator):
    """A complete application a reviewer sent back with a reason."""
    return actions.request_changes(
        acting_user=operator, specialist=submitted, reason="Please add your licence number."
    )


def export_zip(user) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    data_rights.write_export_zip(user, buffer)
    buffer.seek(0)
    return zipfile.ZipFile(buffer)


def test_export_has_the_profile_education_photo_and_review_history(reviewed, operator):
    archive = export_zip(reviewed.user)
    section = json.loads(archive.read("data.json"))["sections"]["specialist_profile"]

    assert section["display_name"] == "Dr New"
    assert section["phone"] == "+34 600 000 000"
    assert section["education"] == [
        {"degree": "PsyD", "institution": "Universidad de Salamanca", "year": 2015}
    ]
    assert section["expertise_areas"] == ["Anxiety"]
    assert [e["event"] for e in section["review_history"]] == ["submitted", "changes_requested"]
    assert section["review_history"][1]["reason"] == "Please add your licence number."
    assert section["photo"] == "files/specialist_profile/photo.png"
    assert archive.read(section["photo"]) == PNG
    # Who reviewed it is the reviewer's business.
    assert operator.email.encode() not in archive.read("data.json")


def test_export_of_someone_who_is_not_a_specialist_has_an_empty_section(patient_a):
    archive = export_zip(patient_a.user)
    assert json.loads(archive.read("data.json"))["sections"]["specialist_profile"] == {}
    assert not [n for n in archive.namelist() if n.startswith("files/")]


def test_deletion_hides_the_profile_and_clears_it(
    reviewed, specialist, media_root, django_capture_on_commit_callbacks
):
    photo = media_root / reviewed.photo.name
    assert photo.exists()

    with django_capture_on_commit_callbacks(execute=True):
        data_rights.delete_account(user=reviewed.user, acting_user=reviewed.user)

    reviewed.refresh_from_db()
    assert reviewed.status == Specialist.Status.REJECTED
    assert not Specialist.objects.approved().filter(pk=reviewed.pk).exists()
    assert not Specialist.objects.awaiting_review().filter(pk=reviewed.pk).exists()
    assert (reviewed.display_name, reviewed.credentials, reviewed.phone, reviewed.bio) == (
        "",
        "",
        "",
        "",
    )
    assert not reviewed.photo and not photo.exists()
    assert reviewed.languages == [] and not reviewed.expertise_areas.exists()
    assert not Education.objects.filter(specialist=reviewed).exists()
    # The review history stays: who was allowed to practise, and when, is kept.
    assert reviewed.review_events.count() == 2
    assert AuditEvent.objects.filter(action="specialist.erased", object_id=str(reviewed.pk))
    # Another specialist is untouched.
    specialist.refresh_from_db()
    assert specialist.is_approved and specialist.display_name == "Dr Dana One"


def test_a_lost_photo_file_does_not_stop_the_export(complete_draft, media_root):
    (media_root / complete_draft.photo.name).unlink()
    archive = export_zip(complete_draft.user)
    section = json.loads(archive.read("data.json"))["sections"]["specialist_profile"]
    assert section["display_name"] == "Dr New"
    assert section["photo"] not in archive.namelist()
