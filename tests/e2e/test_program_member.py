"""Journey: a Calm patient joins the Acme program with its access code, accepts the consent,
is matched, books a covered session and sees the covered sessions left."""

import re

from playwright.sync_api import expect

from hale.matching import actions
from hale.matching.programs.demo import seed_demo_programs
from tests.e2e.test_discovery import _open


def test_program_member_joins_consents_is_matched_and_books_covered(
    page, server, login, brand_a, patient_a, specialist, operator, assert_accessible
):
    _open(specialist, ["es", "en"])
    actions.list_specialist(brand=brand_a, specialist=specialist, acting_user=operator)
    actions.refresh_match_profiles()
    seed_demo_programs({"calm": brand_a})

    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/programs/"))
    assert_accessible(page)
    page.get_by_role("link", name="Acme Employee Wellbeing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Employee Wellbeing")
    expect(page.get_by_role("main")).to_contain_text("Covered sessions left: 6")
    assert_accessible(page)

    page.get_by_label("Access code").fill("nope")
    page.get_by_role("button", name="Check my eligibility").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    assert_accessible(page)
    page.get_by_label("Access code").fill("acme2026")
    page.get_by_role("button", name="Check my eligibility").click()

    expect(page.get_by_role("heading", level=2, name="Consent")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have read and accept this consent").check()
    page.get_by_role("button", name="Accept and continue").click()

    expect(page.get_by_role("heading", level=2, name="Find your specialist")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Covered sessions left: 6")
    assert_accessible(page)
    page.get_by_label("Language for your sessions").select_option("es")
    page.get_by_role("button", name="Find my specialist").click()
    assert_accessible(page)
    page.get_by_role("button", name="Choose Dr Dana One").click()

    expect(page.get_by_role("heading", level=2, name="Book a covered session")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Choose a time").click()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name=re.compile(r"\d\d:\d\d$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    expect(page.get_by_role("main")).to_contain_text("Covered sessions left: 6")
    expect(page.get_by_role("main")).to_contain_text("you pay nothing")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("status").filter(has_text="booked")).to_contain_text(
        "Your session is booked"
    )
    assert_accessible(page)

    page.goto(server.url("calm.localhost", "/appointments/"))
    expect(page.get_by_role("main")).to_contain_text("Covered sessions left: 5")
    assert_accessible(page)


def test_staff_upload_a_roster_and_see_the_row_report(
    page, server, login, brand_a, staff_a, assert_accessible, tmp_path
):
    program = seed_demo_programs({"calm": brand_a})
    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", "/staff/brands/calm/programs/"))
    assert_accessible(page)
    page.get_by_role("link", name="Acme Employee Wellbeing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Employee Wellbeing")
    assert_accessible(page)

    roster = tmp_path / "roster.csv"
    roster.write_text("email,external_id\nok@acme.example,1\nbroken,2\n")
    page.get_by_label("Roster (CSV)").set_input_files(str(roster))
    page.get_by_role("button", name="Replace the roster").click()
    report = page.get_by_role("table", name="Problems in the file")
    expect(report).to_contain_text("broken")
    expect(page.get_by_role("main")).to_contain_text("0 people on the roster")
    assert_accessible(page)
    assert not program.roster.exists()


def test_staff_deactivate_a_program_and_patients_no_longer_see_it(
    page, new_page, server, login, brand_a, staff_a, patient_a, assert_accessible
):
    program = seed_demo_programs({"calm": brand_a})
    login(page, server, staff_a, "localhost")
    page.goto(server.url("localhost", f"/staff/brands/calm/programs/{program.uuid}/"))
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status").filter(has_text="Program deactivated.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deactivated")
    assert_accessible(page)

    member = new_page()
    login(member, server, patient_a.user, "calm.localhost")
    member.goto(server.url("calm.localhost", "/programs/"))
    expect(member.get_by_role("link", name="Acme Employee Wellbeing")).to_have_count(0)
    response = member.goto(server.url("calm.localhost", f"/programs/{program.uuid}/"))
    assert response is not None and response.status == 404

    page.get_by_role("button", name="Reactivate").click()
    expect(page.get_by_role("status").filter(has_text="Program reactivated.")).to_be_visible()
    member.goto(server.url("calm.localhost", "/programs/"))
    expect(member.get_by_role("link", name="Acme Employee Wellbeing")).to_be_visible()
