"""Building forms: every change of the questions is a new version (forms already sent keep
theirs); bad definitions are refused with a message and change nothing; the staff builder
page saves, reorders and removes questions."""

import pytest

from hale.intake import actions
from hale.intake.errors import IntakeError
from hale.intake.models import Assignment, FormVersion, IntakeForm
from hale.intake.tests.conftest import ROWS

pytestmark = pytest.mark.django_db


def test_a_new_form_gets_version_one_with_keys_for_every_question(intake_form):
    version = intake_form.versions.get()
    assert version.number == 1
    assert [f["key"] for f in version.fields] == [f"q{n}" for n in range(1, 8)]
    assert version.fields[2]["choices"] == ["Friend", "Web"]


def test_changing_questions_makes_a_new_version_and_sent_forms_keep_theirs(
    intake_form, sent, brand_a, staff_a
):
    rows = [dict(f) for f in intake_form.versions.get().fields]
    rows[0]["label"] = "What should we call you?"
    actions.save_form(
        brand=brand_a, acting_user=staff_a, form=intake_form, title="New client intake", rows=rows
    )
    assert list(intake_form.versions.values_list("number", flat=True)) == [2, 1]
    sent.refresh_from_db()
    assert sent.version.number == 1
    assert sent.version.fields[0]["label"] == "Your preferred name"
    # Saving the same questions again makes no version.
    actions.save_form(
        brand=brand_a, acting_user=staff_a, form=intake_form, title="New client intake", rows=rows
    )
    assert intake_form.versions.count() == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one question"),
        ([{"label": "Pick", "type": "single_choice", "choices": ["Only one"]}], "two choices"),
        ([{"label": "Odd", "type": "nonsense"}], "Choose a type"),
        ([{"label": "x" * 301, "type": "short_text"}], "under 300"),
    ],
)
def test_bad_definitions_are_refused_and_change_nothing(
    intake_form, brand_a, staff_a, rows, message
):
    with pytest.raises(IntakeError, match=message):
        actions.save_form(
            brand=brand_a, acting_user=staff_a, form=intake_form, title="Changed", rows=rows
        )
    intake_form.refresh_from_db()
    assert intake_form.title == "New client intake"
    assert FormVersion.objects.count() == 1


def test_a_stale_builder_page_is_refused(intake_form, brand_a, staff_a):
    actions.save_form(
        brand=brand_a, acting_user=staff_a, form=intake_form, revision=0, title="One", rows=ROWS
    )
    with pytest.raises(IntakeError, match="Someone changed this form"):
        actions.save_form(
            brand=brand_a, acting_user=staff_a, form=intake_form, revision=0, title="Two", rows=ROWS
        )
    intake_form.refresh_from_db()
    assert intake_form.title == "One"


def _builder_post(**questions):
    data = {
        "title": "Health questionnaire",
        "description": "A few questions.",
        "q-TOTAL_FORMS": str(len(questions)),
        "q-INITIAL_FORMS": "0",
    }
    for index, (label, extra) in enumerate(questions.items()):
        data[f"q-{index}-label"] = label.replace("_", " ")
        for key, value in extra.items():
            data[f"q-{index}-{key}"] = value
    return data


def test_the_builder_page_creates_reorders_and_removes_questions(staff_a, brand_a, client_for):
    client = client_for(staff_a)
    data = _builder_post(
        Allergies={"type": "long_text", "ORDER": "2"},
        Smoker={"type": "yes_no", "required": "on", "ORDER": "1"},
        Empty_row_is_skipped={"type": "short_text"},
    )
    data["q-2-label"] = ""
    response = client.post(f"/staff/brands/{brand_a.slug}/forms/new/", data)
    assert response.status_code == 302
    form = IntakeForm.objects.get(brand=brand_a)
    fields = form.versions.get().fields
    assert [(f["label"], f["type"], f["required"]) for f in fields] == [
        ("Smoker", "yes_no", True),
        ("Allergies", "long_text", False),
    ]
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Smoker" in page.content
    # Remove the first question.
    data = {
        "title": "Health questionnaire",
        "revision": str(form.revision),
        "is_active": "on",
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "2",
        "q-0-key": fields[0]["key"],
        "q-0-label": "Smoker",
        "q-0-type": "yes_no",
        "q-0-ORDER": "1",
        "q-0-DELETE": "on",
        "q-1-key": fields[1]["key"],
        "q-1-label": "Allergies",
        "q-1-type": "long_text",
        "q-1-ORDER": "2",
    }
    assert client.post(f"/staff/brands/{brand_a.slug}/forms/{form.uuid}/", data).status_code == 302
    latest = form.versions.order_by("-number").first()
    assert [f["label"] for f in latest.fields] == ["Allergies"]
    assert latest.fields[0]["key"] == fields[1]["key"]  # keys survive edits


def test_the_builder_shows_a_clear_error_and_saves_nothing(staff_a, brand_a, client_for):
    client = client_for(staff_a)
    data = _builder_post(Pick_one={"type": "single_choice", "choices": "Only"})
    response = client.post(f"/staff/brands/{brand_a.slug}/forms/new/", data)
    assert response.status_code == 200
    assert "at least two choices" in response.content.decode()
    assert not IntakeForm.objects.exists()


def test_staff_of_another_brand_get_404_for_the_builder(intake_form, staff_b, brand_a, client_for):
    client = client_for(staff_b)
    assert client.get(f"/staff/brands/{brand_a.slug}/forms/{intake_form.uuid}/").status_code == 404
    assert not Assignment.objects.exists()
