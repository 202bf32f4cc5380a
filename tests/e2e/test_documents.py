"""Journeys: staff share a document and the patient downloads it from Documents; the patient
uploads a file and writes a note; a specialist writes a private note with the editor by
keyboard alone, and the patient cannot see it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hale.core.pdf import PdfBuilder
from hale.matching.models import CareRelationship
from tests.upload_samples import png

CALM = "calm.localhost"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """The server runs in this process, so it stores uploads in this throw-away folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def _pdf(tmp_path):
    pdf = PdfBuilder(title="Blood results")
    pdf.heading("Blood results")
    pdf.paragraph("All values within range.")
    path = tmp_path / "bloods.pdf"
    path.write_bytes(pdf.build())
    return path


def test_staff_share_a_document_and_the_patient_downloads_it(
    page, new_page, server, login, patient_a, staff_a, brand_a, tmp_path, assert_accessible
):
    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", f"/staff/brands/{brand_a.slug}/patients/{patient_a.uuid}/"))
    form = page.get_by_role("form", name="Share a document")
    form.get_by_label("Type").select_option("lab_results")
    form.get_by_label("Title").fill("Blood results March")
    form.get_by_label("File").set_input_files(str(_pdf(tmp_path)))
    form.get_by_role("button", name="Share document").click()
    expect(page.get_by_text("The document is shared with the patient.")).to_be_visible()
    expect(page.get_by_role("cell", name="Blood results March")).to_be_visible()

    alice = new_page()
    login(alice, server, patient_a.user, CALM)
    alice.goto(server.url(CALM, "/"))
    alice.get_by_role("link", name="Documents").first.click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Documents")
    row = alice.get_by_role("row", name=re.compile("Blood results March"))
    expect(row).to_contain_text("Lab results")
    expect(row).to_contain_text("Calm Minds team")
    assert_accessible(alice)
    with alice.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("^Download")).click()
    download = download_info.value
    assert download.suggested_filename == "bloods.pdf"
    assert open(download.path(), "rb").read().startswith(b"%PDF")


def test_patient_uploads_a_file_and_writes_a_note(
    page, server, login, patient_a, tmp_path, assert_accessible
):
    picture = tmp_path / "rash.png"
    picture.write_bytes(png())
    login(page, server, patient_a.user, CALM)
    page.goto(server.url(CALM, "/documents/"))
    expect(page.get_by_text("You have not uploaded any files.")).to_be_visible()
    upload = page.get_by_role("form", name="Upload a file")
    upload.get_by_label("Type").select_option("imaging")
    upload.get_by_label("Title").fill("Photo of the rash")
    upload.get_by_label("File").set_input_files(str(picture))
    upload.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Your file was added.")).to_be_visible()
    expect(page.get_by_role("link", name="Download Photo of the rash")).to_be_visible()

    note = page.get_by_role("form", name="Write a note")
    note.get_by_label("Your note").fill("Ask about the new cream")
    note.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Your note was saved.")).to_be_visible()
    expect(page.get_by_text("Ask about the new cream")).to_be_visible()
    expect(page.get_by_text("Private to you")).to_be_visible()
    assert_accessible(page)


def test_specialist_writes_a_private_note_by_keyboard_and_the_patient_cannot_see_it(
    page, new_page, server, login, patient_a, specialist, assert_accessible
):
    CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist,
        brand=patient_a.brand,
        source=CareRelationship.Source.BROWSE,
        started_at=timezone.now(),
    )
    login(page, server, specialist.user, "localhost")
    page.goto(server.url("localhost", f"/practice/patients/{patient_a.uuid}/"))
    form = page.get_by_role("form", name="Add a private note")
    box = form.get_by_label("Private note")
    box.focus()
    page.keyboard.type("Low mood in the ")
    page.keyboard.press("Control+b")  # bold placeholder selected: type over it
    page.keyboard.type("mornings")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    # The toolbar buttons are real buttons: focus one and press Enter.
    toolbar = form.get_by_role("toolbar", name="Formatting")
    expect(toolbar.get_by_role("button", name="Bulleted list")).to_be_visible()
    box.focus()
    page.keyboard.type("sleep diary")
    page.keyboard.press("Shift+Home")
    toolbar.get_by_role("button", name="Bulleted list").focus()
    page.keyboard.press("Enter")
    expect(box).to_have_value(re.compile(r"\*\*mornings\*\*[\s\S]*- sleep diary"))
    box.focus()
    page.keyboard.press("Tab")  # the session choice
    page.keyboard.press("Tab")  # the save button
    expect(form.get_by_role("button", name="Save private note")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your private note was saved.")).to_be_visible()
    notes = page.locator("#private-notes")
    expect(notes.locator("strong", has_text="mornings")).to_be_visible()
    expect(notes.get_by_role("listitem").filter(has_text="sleep diary").first).to_be_visible()
    assert_accessible(page)

    alice = new_page()
    login(alice, server, patient_a.user, CALM)
    alice.goto(server.url(CALM, "/documents/"))
    expect(alice.get_by_role("heading", level=1)).to_have_text("Documents")
    expect(alice.get_by_role("main")).not_to_contain_text("mornings")
    expect(alice.get_by_role("main")).not_to_contain_text("sleep diary")
