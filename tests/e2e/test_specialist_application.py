"""Journey: a new specialist applies through the guided onboarding; staff ask for changes."""

import re

import pytest
from playwright.sync_api import expect

from conftest import make_user
from hale.specialists.demo import placeholder_png

BIO = (
    "I help adults with anxiety and low mood using practical, evidence-based therapy that "
    "fits around work and family."
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _vocabularies(transactional_db):
    # Browser tests flush every table afterwards, including rows a data migration seeded.
    from hale.specialists.models import ExpertiseArea, Specialisation
    from hale.specialists.vocabulary import seed_vocabularies

    seed_vocabularies(Specialisation, ExpertiseArea)


@pytest.mark.parametrize("page", [{"timezone_id": "Asia/Tokyo"}], indirect=True)
def test_specialist_applies_and_staff_ask_for_changes(
    page, new_page, server, login, assert_accessible, staff_a, tmp_path
):
    applicant = make_user("new.doc@example.com", full_name="Noor Haddad")
    login(page, server, applicant)

    page.goto(server.url("localhost", "/"))
    page.get_by_role("link", name="Apply as a specialist").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start your application").click()

    # 1. About you: the browser's zone is detected and preselected, and can be confirmed.
    expect(page.get_by_text("Step 1 of 6")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    expect(page.get_by_text("Your browser says you are in Asia/Tokyo")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Display name").fill("Dr Noor Haddad")
    page.get_by_label("Credentials").fill("MSc, Registered Dietitian")
    page.get_by_label("Phone").fill("+44 20 7946 0123")
    page.get_by_role("button", name="Save and continue").click()

    # 2. Practice preferences.
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    page.get_by_label("Video").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    # 3. Education: a second row is added in place, by keyboard.
    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    page.get_by_label("Degree or qualification").fill("MSc Nutrition")
    page.get_by_label("Institution").fill("University of Leeds")
    page.get_by_label("Year completed").fill("2018")
    add = page.get_by_role("button", name="Add another qualification")
    add.focus()
    page.keyboard.press("Enter")
    second = page.get_by_role("group", name="New qualification")
    expect(second.get_by_label("Degree or qualification")).to_be_focused()
    second.get_by_label("Degree or qualification").fill("BSc Biology")
    second.get_by_label("Institution").fill("University of Leeds")
    second.get_by_label("Year completed").fill("2015")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    # Leaving and coming back resumes at the next step.
    page.goto(server.url("localhost", "/practice/onboarding/"))
    expect(page.get_by_text("Step 4 of 6")).to_be_visible()

    # 4. Specialisations, areas of expertise, languages.
    page.get_by_role("group", name="Specialisations").get_by_label(
        "Nutrition and dietetics"
    ).check()
    page.get_by_role("group", name="Areas of expertise").get_by_label("Eating disorders").check()
    page.get_by_role("group", name="Languages you hold sessions in").get_by_label("English").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    # 5. Bio and photo.
    expect(page.get_by_text("Step 5 of 6")).to_be_visible()
    page.get_by_label("Bio").fill(BIO)
    photo = tmp_path / "me.png"
    photo.write_bytes(placeholder_png((40, 90, 120)))
    page.get_by_label("Profile photo").set_input_files(str(photo))
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    # 6. Review and submit.
    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    expect(page.get_by_role("heading", name="Dr Noor Haddad")).to_be_visible()
    expect(page.get_by_text("BSc Biology, University of Leeds (2015)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your application is waiting for review")).to_be_visible()

    # Staff review it and ask for changes.
    staff = new_page()
    login(staff, server, staff_a)
    staff.goto(server.url("localhost", "/staff/reviews/"))
    assert_accessible(staff)
    staff.get_by_role("link", name="Dr Noor Haddad").click()
    expect(staff.get_by_role("img", name="Photo of Dr Noor Haddad")).to_be_visible()
    assert_accessible(staff)
    staff.locator("#id_changes-reason").fill("Please add your registration number.")
    staff.get_by_role("button", name="Ask for changes").click()
    expect(staff.get_by_text("Dr Noor Haddad has been asked for changes.")).to_be_visible()

    # The applicant sees the reason and can edit again.
    page.goto(server.url("localhost", "/practice/application/"))
    expect(page.get_by_role("region", name="A reviewer asked for changes")).to_contain_text(
        "Please add your registration number."
    )
    assert_accessible(page)
    page.get_by_role("link", name="Update your application").click()
    expect(page).to_have_url(re.compile(r"/practice/onboarding/review/$"))
