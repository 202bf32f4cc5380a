"""Journeys: brand staff name a clinical lead; the lead reads a supervised patient's session
history (audited); staff reshape the matching questionnaire a patient then answers."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_user
from hale.core.models import AuditEvent
from hale.matching import actions
from hale.scheduling.models import Appointment
from hale.specialists.models import ExpertiseArea, Specialist


def test_staff_name_a_lead_who_reads_a_patients_history(
    page,
    new_page,
    server,
    login,
    brand_a,
    staff_a,
    specialist,
    patient_a,
    operator,
    assert_accessible,
):
    lead = Specialist.objects.create(
        user=make_user("lead@example.com", full_name="Lee Lead", time_zone="Europe/London"),
        display_name="Dr Lee Lead",
        status=Specialist.Status.APPROVED,
    )
    for s in (lead, specialist):
        actions.list_specialist(brand=brand_a, specialist=s, acting_user=operator)
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=5)
    Appointment.objects.create(
        brand=brand_a,
        patient=patient_a,
        specialist=specialist,
        session_name="Therapy session",
        start=start,
        end=start + dt.timedelta(minutes=50),
        modality="video",
        status="completed",
        clinic_notes="Practise the breathing exercise daily.",
    )

    # Staff set the supervision in the back office.
    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", "/staff/"))
    page.get_by_role("link", name="Clinical leads on Calm Minds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical leads on Calm Minds")
    assert_accessible(page)
    page.get_by_role("combobox", name="Clinical lead").select_option(label="Dr Lee Lead")
    page.get_by_role("combobox", name="Supervised specialist").select_option(label="Dr Dana One")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("table")).to_contain_text("Dr Dana One")
    assert_accessible(page)

    # The lead finds the supervisee's patient and opens the history.
    lead_page = new_page()
    login(lead_page, server, lead.user, "localhost")
    lead_page.goto(server.url("localhost", "/"))
    lead_page.get_by_role("link", name="Supervision").click()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("Supervision")
    assert_accessible(lead_page)
    lead_page.get_by_role("link", name="Patients of Dr Dana One on Calm Minds").click()
    assert_accessible(lead_page)
    lead_page.get_by_role("link", name=re.compile("^Session history of")).click()
    expect(lead_page.get_by_role("main")).to_contain_text("Practise the breathing exercise daily.")
    expect(lead_page.get_by_role("main")).to_contain_text("Completed")
    assert_accessible(lead_page)
    event = AuditEvent.objects.get(action="supervision.history_viewed")
    assert event.actor_id == lead.user.pk and event.object_id == str(patient_a.pk)


def test_staff_reshape_the_questionnaire_the_patient_answers(
    page, new_page, server, login, brand_a, staff_a, patient_a, assert_accessible
):
    brand_a.discovery_mode = "guided"
    brand_a.save(update_fields=["discovery_mode"])
    ExpertiseArea.objects.get_or_create(slug="grief", defaults={"name": "Grief"})

    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", "/staff/brands/calm/questionnaire/"))
    assert_accessible(page)
    language = page.get_by_role("group", name="Language")
    language.get_by_label("Question text").fill("Which language feels most natural?")
    language.get_by_label("Position").fill("1")
    page.get_by_role("group", name="Kind of specialist").get_by_label("Ask this question").uncheck()
    page.get_by_role("button", name="Save questionnaire").click()
    expect(page.get_by_text("The questionnaire is saved.")).to_be_visible()
    preview = page.get_by_role("region", name="What patients see").get_by_role("listitem")
    expect(preview.first).to_have_text("Which language feels most natural?")
    expect(preview).to_have_count(3)
    assert_accessible(page)

    patient_page = new_page()
    login(patient_page, server, patient_a.user, "calm.localhost")
    patient_page.goto(server.url("calm.localhost", "/match/"))
    expect(patient_page.get_by_label("Which language feels most natural?")).to_be_visible()
    expect(patient_page.get_by_label("Kind of specialist")).to_have_count(0)
    assert_accessible(patient_page)
