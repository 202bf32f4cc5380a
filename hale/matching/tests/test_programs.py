import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hale.accounts.models import Patient
from hale.core.models import AuditEvent
from hale.matching import actions, programs
from hale.matching.models import (
    CareRelationship,
    Organization,
    Program,
    ProgramMembership,
    ProgramRosterEntry,
    ProgramSessionUse,
)
from hale.matching.tests.conftest import session_type as make_session_type
from hale.scheduling import actions as scheduling_actions
from hale.scheduling.models import SessionType
from hale.scheduling.slots import offered_slots

HOST = "calm.localhost"


def _member(program, patient):
    membership = programs.join_program(
        program=program, patient=patient, acting_user=patient.user, code=program.access_code
    )
    return programs.accept_program_consent(
        membership=membership,
        acting_user=patient.user,
        version=program.consent_version,
        ip="203.0.113.5",
    )


def _slots(specialist):
    st = SessionType.objects.filter(specialist=specialist).first() or make_session_type(specialist)
    start = timezone.now() + dt.timedelta(days=3)
    slots = offered_slots(
        specialist,
        st,
        window_start=start,
        window_end=start + dt.timedelta(days=3),
        now=timezone.now(),
    )
    return st, slots


def _book(patient, specialist, st, slot):
    return scheduling_actions.book_appointment(
        patient=patient,
        specialist=specialist,
        session_type=st,
        start=slot.start,
        acting_user=patient.user,
    )


def test_code_is_normalised_and_wrong_code_changes_nothing(acme, patient_a, client_for):
    assert acme.access_code == "ACME2026"
    client = client_for(patient_a.user, HOST)
    response = client.post(f"/programs/{acme.uuid}/", {"code": "WRONG-1"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not ProgramMembership.objects.exists()
    response = client.post(f"/programs/{acme.uuid}/", {"code": " acme2026 "})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/programs/{acme.uuid}/consent/")
    membership = ProgramMembership.objects.get()
    assert membership.eligible_via == "code" and membership.consented_at is None


def test_domain_eligibility(acme, brand_a, patient_a):
    acme.eligibility = "domain"
    acme.email_domains = ["acme.example"]
    acme.save()
    with pytest.raises(programs.ProgramError):
        programs.join_program(program=acme, patient=patient_a, acting_user=patient_a.user)
    assert not ProgramMembership.objects.exists()
    patient_a.user.email = "alice@acme.example"
    patient_a.user.save(update_fields=["email"])
    membership = programs.join_program(program=acme, patient=patient_a, acting_user=patient_a.user)
    assert membership.eligible_via == "domain"


def test_roster_eligibility(acme, patient_a):
    acme.eligibility = "roster"
    acme.save()
    with pytest.raises(programs.ProgramError):
        programs.join_program(program=acme, patient=patient_a, acting_user=patient_a.user)
    ProgramRosterEntry.objects.create(program=acme, email="patient.a@example.com")
    membership = programs.join_program(program=acme, patient=patient_a, acting_user=patient_a.user)
    assert membership.eligible_via == "roster"


def test_roster_upload_reports_rows_and_changes_nothing(acme, staff_a, client_for):
    ProgramRosterEntry.objects.create(program=acme, email="keep@acme.example")
    client = client_for(staff_a)
    url = f"/staff/brands/calm/programs/{acme.uuid}/roster/"
    bad = b"email,external_id\nok@acme.example,1\nnot-an-email,2\nOK@acme.example,3\n"
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", bad, "text/csv")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "not-an-email" in page and "Duplicate of row 2" in page
    assert list(acme.roster.values_list("email", flat=True)) == ["keep@acme.example"]
    report = programs.check_roster(b"email,team\na@b.example,x\n")
    assert report.errors and "team" in report.errors[0][1]
    good = b"email,external_id\nOne@acme.example,1\ntwo@acme.example,2\n"
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", good, "text/csv")})
    assert response.status_code == 302
    assert sorted(acme.roster.values_list("email", flat=True)) == [
        "one@acme.example",
        "two@acme.example",
    ]


def test_consent_recorded_with_version_and_ip(acme, patient_a, client_for):
    client = client_for(patient_a.user, HOST)
    client.post(f"/programs/{acme.uuid}/", {"code": "ACME2026"})
    page = client.get(f"/programs/{acme.uuid}/consent/").content.decode()
    assert "<strong>Acme</strong>" in page and "Covered sessions left: 2" in page
    response = client.post(
        f"/programs/{acme.uuid}/consent/", {"version": acme.consent_version, "accept": "on"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/programs/{acme.uuid}/match/")
    membership = ProgramMembership.objects.get()
    assert membership.consent_version == 1 and membership.consented_at is not None
    assert membership.consent_ip
    assert AuditEvent.objects.filter(action="matching.program_consented").exists()


def test_program_choice_starts_care_with_program_source(acme, listed, patient_a, client_for):
    _member(acme, patient_a)
    actions.refresh_match_profiles()
    client = client_for(patient_a.user, HOST)
    choose = f"/programs/{acme.uuid}/choose/{listed.specialist.uuid}/"
    # A choice the member was not shown (no shortlist yet) is not theirs to make.
    assert client.post(choose).status_code == 404
    page = client.post(f"/programs/{acme.uuid}/match/", {"language": "en"}).content.decode()
    assert choose in page
    response = client.post(choose, {"reason": ["<b>forged</b>"]})
    assert response.status_code == 302
    care = CareRelationship.objects.get(patient=patient_a)
    assert care.source == "program" and "speaks English" in care.reasons
    assert "<b>forged</b>" not in care.reasons
    page = client.get(f"/programs/{acme.uuid}/book/").content.decode()
    assert "Covered sessions left: 2" in page


def test_covered_sessions_decrement_restore_and_run_out(
    acme, listed, patient_a, client_for, brand_a
):
    # On a smart-matching brand the member books every session themselves.
    brand_a.discovery_mode = "smart"
    brand_a.save(update_fields=["discovery_mode"])
    _member(acme, patient_a)
    specialist = listed.specialist
    st, slots = _slots(specialist)
    first = _book(patient_a, specialist, st, slots[0])
    assert first.price_minor == 0
    assert ProgramSessionUse.objects.filter(appointment=first).exists()
    second = _book(patient_a, specialist, st, slots[2])
    assert second.price_minor == 0
    third = _book(patient_a, specialist, st, slots[4])
    assert third.price_minor == 6000  # none left: the normal price
    page = client_for(patient_a.user, HOST).get("/appointments/").content.decode()
    assert "Covered sessions left: 0" in page and "normal price applies" in page
    scheduling_actions.cancel_appointment(
        appointment=first, acting_user=patient_a.user, reason="Clash"
    )
    assert not ProgramSessionUse.objects.filter(appointment=first).exists()
    membership = programs.current_membership(patient_a)
    assert programs.sessions_left(membership) == 1


def test_booking_page_shows_covered_price(acme, listed, patient_a, client_for):
    _member(acme, patient_a)
    st, slots = _slots(listed.specialist)
    page = (
        client_for(patient_a.user, HOST)
        .get(
            f"/book/{listed.specialist.uuid}/confirm/",
            {"type": str(st.uuid), "start": slots[0].start.isoformat()},
        )
        .content.decode()
    )
    assert "Covered sessions left: 2" in page and "you pay nothing" in page


def test_late_cancellation_keeps_session_used(acme, listed, patient_a):
    _member(acme, patient_a)
    st, slots = _slots(listed.specialist)
    appointment = _book(patient_a, listed.specialist, st, slots[0])
    length = appointment.end - appointment.start
    appointment.start = timezone.now() + dt.timedelta(hours=1)
    appointment.end = appointment.start + length
    appointment.save(update_fields=["start", "end"])
    scheduling_actions.cancel_appointment(
        appointment=appointment, acting_user=patient_a.user, reason="Ill"
    )
    assert ProgramSessionUse.objects.filter(appointment=appointment).exists()


def test_other_brand_program_is_404(acme, patient_b, staff_b, client_for):
    client = client_for(patient_b.user, "northside.localhost")
    assert client.get(f"/programs/{acme.uuid}/").status_code == 404
    assert client.post(f"/programs/{acme.uuid}/", {"code": "ACME2026"}).status_code == 404
    staff = client_for(staff_b)
    assert staff.get(f"/staff/brands/calm/programs/{acme.uuid}/").status_code == 404
    response = staff.post(
        f"/staff/brands/calm/programs/{acme.uuid}/roster/",
        {"file": SimpleUploadedFile("r.csv", b"email\nx@y.example\n", "text/csv")},
    )
    assert response.status_code == 404
    assert not ProgramMembership.objects.exists() and not acme.roster.exists()


def test_staff_creates_program_and_changed_consent_bumps_version(brand_a, staff_a, client_for):
    client = client_for(staff_a)
    client.post("/staff/brands/calm/programs/", {"name": "Globex"})
    org = Organization.objects.get(brand=brand_a)
    data = {
        "organization": org.pk,
        "name": "Globex care",
        "eligibility": "domain",
        "email_domains": "globex.example, @Globex.test",
        "covered_sessions": 4,
        "matching_mode": "smart",
        "consent_markdown": "Text one",
    }
    response = client.post("/staff/brands/calm/programs/add/", data)
    assert response.status_code == 302
    program = Program.objects.get()
    assert program.email_domains == ["globex.example", "globex.test"]
    client.post(f"/staff/brands/calm/programs/{program.uuid}/", data | {"consent_markdown": "Two"})
    program.refresh_from_db()
    assert program.consent_version == 2
    missing = client.post("/staff/brands/calm/programs/add/", data | {"email_domains": ""})
    assert missing.status_code == 400 and Program.objects.count() == 1


def _patients(brand_a, numbers):
    from conftest import make_user

    out = []
    for i in numbers:
        user = make_user(f"m{i}@example.com", full_name=f"Member {i}")
        out.append(
            Patient.objects.create(
                brand=brand_a, user=user, email=user.email, full_name=user.full_name
            )
        )
    return out


def test_members_list_constant_queries(acme, brand_a, staff_a, client_for):
    client = client_for(staff_a)
    url = f"/staff/brands/calm/programs/{acme.uuid}/"
    for p in _patients(brand_a, range(2)):
        _member(acme, p)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for p in _patients(brand_a, range(2, 8)):
        _member(acme, p)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Member 7" in page
    assert len(many) == len(few)


def test_listed_domain_admits_without_code(acme, patient_a):
    acme.email_domains = ["example.com"]
    acme.save()
    membership = programs.join_program(program=acme, patient=patient_a, acting_user=patient_a.user)
    assert membership.eligible_via == "domain"


def test_export_and_erase_membership(acme, patient_a):
    from hale.matching.data_rights import erase_matching, export_matching

    _member(acme, patient_a)
    row = export_matching(patient_a.user)["program_memberships"][0]
    assert row["program"] == "Acme Wellbeing" and row["consent_ip"] == "203.0.113.5"
    erase_matching(patient_a.user, acting_user=patient_a.user)
    assert ProgramMembership.objects.get().consent_ip is None


def test_staff_deactivate_and_reactivate_a_program(
    acme, listed, brand_a, staff_a, patient_a, client_for
):
    brand_a.discovery_mode = "smart"
    brand_a.save(update_fields=["discovery_mode"])
    _member(acme, patient_a)
    staff = client_for(staff_a, "localhost")
    patient = client_for(patient_a.user, HOST)
    url = f"/staff/brands/{brand_a.slug}/programs/{acme.uuid}/active/"
    assert acme.name in patient.get("/programs/").content.decode()

    page = staff.post(url, {"active": "0"}, follow=True).content.decode()
    assert "Program deactivated." in page and "Reactivate" in page
    acme.refresh_from_db()
    assert not acme.is_active
    assert acme.name not in patient.get("/programs/").content.decode()
    assert patient.get(f"/programs/{acme.uuid}/").status_code == 404
    assert programs.current_membership(patient_a) is None  # covered sessions paused
    st, slots = _slots(listed.specialist)
    assert _book(patient_a, listed.specialist, st, slots[0]).price_minor == 6000
    assert AuditEvent.objects.filter(action="matching.program_deactivated").exists()
    assert ProgramMembership.objects.filter(program=acme).exists()  # nothing deleted

    staff.post(url, {"active": "1"})
    acme.refresh_from_db()
    assert acme.is_active and programs.current_membership(patient_a) is not None
    assert patient.get(f"/programs/{acme.uuid}/").status_code == 302  # on to booking


def test_deactivating_an_organisation_stops_its_programs(acme, brand_a, staff_a, client_for):
    staff = client_for(staff_a, "localhost")
    org = acme.organization
    url = f"/staff/brands/{brand_a.slug}/programs/organisations/{org.uuid}/active/"
    page = staff.post(url, {"active": "0"}, follow=True).content.decode()
    assert "Organisation deactivated." in page
    assert not Organization.objects.get(pk=org.pk).is_active
    assert programs.open_programs(brand_a) == []
    listing = staff.get(f"/staff/brands/{brand_a.slug}/programs/").content.decode()
    assert "Deactivated" in listing
    staff.post(url, {"active": "1"})
    assert [p.pk for p in programs.open_programs(brand_a)] == [acme.pk]


def test_program_switches_refuse_other_brands_and_bad_input(
    acme, brand_a, staff_a, staff_b, client_for
):
    other = client_for(staff_b, "localhost")
    program_url = f"/staff/brands/{brand_a.slug}/programs/{acme.uuid}/active/"
    org_url = (
        f"/staff/brands/{brand_a.slug}/programs/organisations/{acme.organization.uuid}/active/"
    )
    assert other.post(program_url, {"active": "0"}).status_code == 404
    assert other.post(org_url, {"active": "0"}).status_code == 404
    own = client_for(staff_a, "localhost")
    assert own.post(program_url, {"active": "maybe"}).status_code == 404
    assert own.get(program_url).status_code == 405
    acme.refresh_from_db()
    assert acme.is_active and acme.organization.is_active
