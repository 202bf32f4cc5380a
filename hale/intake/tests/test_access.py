"""Who sees which forms: another patient's or brand's form answers 404 with an audit row and
changes nothing; a specialist sees their patients' answers (each read audited) and sends
forms only to them; forms attached to a session type are sent once per booking."""

# ruff: noqa: F811 - the scheduling fixtures are imported, then requested by name
import pytest
from django.utils import timezone

from hale.core.models import AuditEvent
from hale.intake import actions
from hale.intake.models import Assignment
from hale.intake.tests.conftest import ANSWERS
from hale.matching.models import CareRelationship
from hale.scheduling.tests.conftest import (  # noqa: F401 - fixtures
    _personas_listed,
    book,
    free_slots,
    open_specialist,
    session_type,
)

pytestmark = pytest.mark.django_db


def _denied():
    return AuditEvent.objects.filter(action="access.denied").count()


def test_another_patients_form_is_404_with_an_audit_row_and_nothing_changes(
    sent, brand_a, client_for
):
    from conftest import make_user
    from hale.accounts.models import Patient

    other_user = make_user("mallory@example.com")
    Patient.objects.create(brand=brand_a, user=other_user, email=other_user.email)
    client = client_for(other_user, "calm.localhost")
    before = _denied()
    assert client.get(f"/forms/{sent.uuid}/").status_code == 404
    assert client.post(f"/forms/{sent.uuid}/", ANSWERS).status_code == 404
    assert client.post(f"/forms/{sent.uuid}/draft/", {"q1": "x"}).status_code == 404
    assert client.get(f"/forms/{sent.uuid}/pdf/").status_code == 404
    assert _denied() >= before + 1  # denied reads are recorded (rate-limited per person)
    event = AuditEvent.objects.filter(action="access.denied").latest("pk")
    assert event.actor == other_user and str(sent.uuid) in str(vars(event))
    sent.refresh_from_db()
    assert sent.is_pending and sent.answers == {}


def test_the_same_patient_on_another_brand_host_gets_404(sent, patient_a, client_for):
    client = client_for(patient_a.user, "northside.localhost")
    assert client.get(f"/forms/{sent.uuid}/").status_code == 404


def test_staff_of_another_brand_and_unrelated_specialists_get_404(
    sent, staff_b, brand_a, specialist, client_for
):
    staff = client_for(staff_b)
    assert staff.get(f"/staff/brands/{brand_a.slug}/forms/answers/{sent.uuid}/").status_code == 404
    practice = client_for(specialist.user)
    assert practice.get(f"/practice/forms/{sent.uuid}/").status_code == 404
    assert (
        practice.post(
            f"/practice/patients/{sent.patient.uuid}/forms/send/", {"form": str(sent.form.uuid)}
        ).status_code
        == 404
    )


def test_the_patients_specialist_reads_the_answers_and_each_read_is_audited(
    sent, patient_a, specialist, client_for, private_storage
):
    CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist,
        brand=patient_a.brand,
        source=CareRelationship.Source.BROWSE,
        started_at=timezone.now(),
    )
    patient = client_for(patient_a.user, "calm.localhost")
    patient.post(f"/forms/{sent.uuid}/", ANSWERS)
    practice = client_for(specialist.user)
    page = practice.get(f"/practice/forms/{sent.uuid}/")
    assert page.status_code == 200 and "Sleep and stress." in page.content.decode()
    assert AuditEvent.objects.filter(action="intake.answers_viewed").count() == 1
    record = practice.get(f"/practice/patients/{patient_a.uuid}/").content.decode()
    assert "New client intake" in record and "Send form" in record


def test_a_specialist_sends_a_form_to_their_patient(intake_form, patient_a, specialist, client_for):
    CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist,
        brand=patient_a.brand,
        source=CareRelationship.Source.BROWSE,
        started_at=timezone.now(),
    )
    practice = client_for(specialist.user)
    response = practice.post(
        f"/practice/patients/{patient_a.uuid}/forms/send/", {"form": str(intake_form.uuid)}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.specialist == specialist and assignment.patient == patient_a


def test_staff_send_from_the_patient_page_and_bad_input_changes_nothing(
    intake_form, patient_a, staff_a, brand_a, client_for
):
    staff = client_for(staff_a)
    url = f"/staff/brands/{brand_a.slug}/patients/{patient_a.uuid}/forms/send/"
    assert staff.post(url, {"form": "not-a-form"}).status_code == 302
    assert not Assignment.objects.exists()
    assert staff.post(url, {"form": str(intake_form.uuid)}).status_code == 302
    assert Assignment.objects.count() == 1
    page = staff.get(f"/staff/brands/{brand_a.slug}/patients/{patient_a.uuid}/").content.decode()
    assert "New client intake" in page


def test_a_form_attached_to_a_session_type_is_sent_once_per_booking(
    intake_form, patient_a, brand_a, staff_a, open_specialist, session_type, book
):
    actions.save_form(
        brand=brand_a,
        acting_user=staff_a,
        form=intake_form,
        title=intake_form.title,
        rows=intake_form.versions.get().fields,
        session_types=[session_type],
    )
    appointment = book(patient_a, open_specialist, session_type)
    assignment = Assignment.objects.get()
    assert assignment.appointment == appointment and assignment.specialist == open_specialist
    assert actions.send_at_booking(appointment) == []  # a repeated hook sends nothing more
    assert Assignment.objects.count() == 1


def test_session_types_of_specialists_not_listed_on_the_brand_are_refused(
    intake_form, brand_b, staff_b, session_type
):
    from hale.matching.models import Listing

    Listing.objects.filter(brand=brand_b).delete()
    with pytest.raises(actions.IntakeError, match="listed on this brand"):
        actions.save_form(
            brand=brand_b,
            acting_user=staff_b,
            title="Other",
            rows=[{"label": "Q", "type": "short_text"}],
            session_types=[session_type],
        )


def test_staff_download_everyones_answers_as_csv_and_formulas_are_defused(
    sent, patient_a, brand_a, staff_a, staff_b, client_for, private_storage
):
    import csv
    import io

    patient = client_for(patient_a.user, "calm.localhost")
    patient.post(f"/forms/{sent.uuid}/", {**ANSWERS, "q1": "=HYPERLINK(1)"})
    url = f"/staff/brands/{brand_a.slug}/forms/{sent.form.uuid}/answers.csv"
    response = client_for(staff_a).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Patient", "Email", "Submitted", "Version"]
    assert rows[0][4] == "Your preferred name"
    assert rows[1][0] == "Alice Patient" and rows[1][4] == "'=HYPERLINK(1)"
    assert rows[1][5] == "Sleep and stress."
    assert AuditEvent.objects.filter(action="intake.answers_exported").count() == 1
    assert client_for(staff_b).get(url).status_code == 404
