"""Intake forms in Chromium: staff build a form and send it; the patient fills it in, the
draft survives a reload, they sign and submit and see the read-only answers with a PDF;
another patient's form answers 404 and leaves an audit row."""

import re

from playwright.sync_api import expect

from hale.intake import actions
from hale.intake.models import Assignment, IntakeForm
from hale.intake.tests.conftest import ROWS
from tests.e2e.test_messaging import _care


def _sent(patient, staff):
    form = actions.save_form(
        brand=patient.brand, acting_user=staff, title="New client intake", rows=ROWS
    )
    return actions.send_form(form=form, patient=patient, acting_user=staff)


def test_staff_build_a_form_and_send_it_to_a_patient(
    page, server, login, staff_a, patient_a, assert_accessible
):
    brand = patient_a.brand
    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", f"/staff/brands/{brand.slug}/forms/"))
    page.get_by_role("link", name="New form").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Health questionnaire")
    page.get_by_label("Question").fill("Do you take any medication?")
    page.get_by_label("Answer type").select_option(label="Yes or no")
    page.get_by_label("Required").check()
    page.get_by_role("button", name="Save form").click()
    expect(page.get_by_text("The form is saved.")).to_be_visible()

    # A second question: the builder always ends with an empty one to fill in.
    new = page.locator(".form-builder__question").last
    new.get_by_label("Question").fill("How do you feel today?")
    new.get_by_label("Answer type").select_option(label="Single choice")
    new.get_by_label(re.compile("Choices, one per line")).fill("Good\nAll right\nNot good")
    page.get_by_role("button", name="Save form").click()
    expect(page.get_by_text("The form is saved.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Patient:", exact=True).select_option(label="Alice Patient")
    page.get_by_role("button", name="Send form").click()
    expect(page.get_by_text("The form has been sent to the patient.")).to_be_visible()
    form = server.call(lambda: IntakeForm.objects.get(title="Health questionnaire"))
    fields = server.call(lambda: form.versions.order_by("-number").first().fields)
    assert [f["type"] for f in fields] == ["yes_no", "single_choice"]
    assert fields[1]["choices"] == ["Good", "All right", "Not good"]
    assert server.call(lambda: Assignment.objects.filter(form=form, patient=patient_a).count()) == 1


def test_a_form_draft_survives_a_reload_and_the_submitted_answers_are_read_only(
    page, new_page, server, login, staff_a, patient_a, specialist, assert_accessible
):
    assignment = server.call(_sent, patient_a, staff_a)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/"))
    banner = page.get_by_role("status").filter(has_text="Action required")
    expect(banner).to_contain_text("1 form waits for you to fill it in.")
    banner.get_by_role("link", name="See forms").click()
    assert_accessible(page)
    page.get_by_role("link", name="Fill in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New client intake")
    assert_accessible(page)

    page.get_by_label("Your preferred name").fill("Al")
    page.get_by_label("What brings you here?").fill("Sleep and stress.")
    page.get_by_label("Web").check()
    page.get_by_label("Evenings").check()
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft saved at")

    page.reload()
    expect(page.get_by_label("Your preferred name")).to_have_value("Al")
    expect(page.get_by_label("What brings you here?")).to_have_value("Sleep and stress.")
    expect(page.get_by_label("Web")).to_be_checked()
    expect(page.get_by_label("Evenings")).to_be_checked()

    # Submitting without the required answers says what is missing and keeps the rest.
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("Some answers need your attention")
    expect(page.get_by_label("Your preferred name")).to_have_value("Al")

    page.get_by_role("group", name="Have you had therapy before?").get_by_label("No").check()
    page.get_by_label("Type my name instead").check()
    page.get_by_label("Your full name").fill("Alice Patient")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("is submitted")).to_be_visible()
    expect(page.get_by_text("Sleep and stress.")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    assert_accessible(page)
    page.reload()
    download = page.get_by_role("link", name="Download the PDF")
    expect(download).to_be_visible()
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith(".pdf")
    assignment = server.call(lambda: Assignment.objects.get(pk=assignment.pk))
    assert assignment.status == "submitted" and assignment.answers["q4"] == ["Evenings"]

    # The clinic reads the answers from the patient's record.
    staff_page = new_page()
    login(staff_page, server, staff_a, "localhost")
    staff_page.goto(
        server.url("localhost", f"/staff/brands/{patient_a.brand.slug}/patients/{patient_a.uuid}/")
    )
    staff_page.locator("#forms").get_by_role("link", name="New client intake").click()
    expect(staff_page.get_by_text("Sleep and stress.")).to_be_visible()
    expect(staff_page.get_by_role("link", name="Download the PDF")).to_be_visible()
    assert_accessible(staff_page)

    # The patient's specialist reads them from their practice.
    server.call(_care, patient_a, specialist)
    practice = new_page()
    login(practice, server, specialist.user, "localhost")
    practice.goto(server.url("localhost", f"/practice/forms/{assignment.uuid}/"))
    expect(practice.get_by_text("Sleep and stress.")).to_be_visible()
    assert_accessible(practice)


def test_another_patients_form_is_404_and_leaves_an_audit_row(
    page, server, login, staff_a, patient_a, brand_a
):
    from conftest import make_user
    from hale.accounts.models import Patient
    from hale.core.models import AuditEvent

    assignment = server.call(_sent, patient_a, staff_a)
    other = server.call(make_user, "mallory@example.com", full_name="Mallory")
    server.call(lambda: Patient.objects.create(brand=brand_a, user=other, email=other.email))
    login(page, server, other, "calm.localhost")
    response = page.goto(server.url("calm.localhost", f"/forms/{assignment.uuid}/"))
    assert response.status == 404
    events = server.call(
        lambda: list(AuditEvent.objects.filter(action="access.denied", actor=other))
    )
    assert events and str(assignment.uuid) in str(vars(events[-1]))
