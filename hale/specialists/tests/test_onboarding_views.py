"""The specialist portal pages: apply, guided onboarding, resume, submit, status."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import confirmation_path, make_user
from hale.specialists import actions
from hale.specialists.models import ExpertiseArea, Specialisation, Specialist
from hale.specialists.tests.conftest import BIO, PNG
from hale.specialists.validators import PHOTO_MAX_BYTES


def step_url(step: str) -> str:
    return reverse("specialist_onboarding_step", args=[step])


ABOUT = {
    "display_name": "Dr Ada",
    "credentials": "PsyD",
    "time_zone": "Europe/Madrid",
    "detected_time_zone": "",
    "phone": "+34 600 000 000",
}


def test_home_offers_the_application_to_a_signed_in_user_without_a_profile(
    applicant_user, client_for
):
    response = client_for(applicant_user).get("/")
    assert reverse("specialist_apply") in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(anonymous):
    response = anonymous("localhost").get(reverse("specialist_apply"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_apply_page_does_not_create_anything_until_posted(applicant_user, client_for):
    client = client_for(applicant_user)
    response = client.get(reverse("specialist_apply"))
    assert response.status_code == 200
    assert not Specialist.objects.exists()
    response = client.post(reverse("specialist_apply"))
    assert response.status_code == 302
    assert response["Location"] == step_url("about")
    assert Specialist.objects.get(user=applicant_user).status == Specialist.Status.DRAFT


def test_practice_pages_do_not_exist_on_a_brand_host(applicant_user, brand_a, client_for):
    response = client_for(applicant_user, "calm.localhost").get("/practice/apply/")
    assert response.status_code == 404


def test_every_step_renders_with_its_progress(draft, client_for):
    client = client_for(draft.user)
    for number, step in enumerate(
        ["about", "practice", "education", "expertise", "profile", "review"], start=1
    ):
        response = client.get(step_url(step))
        assert response.status_code == 200, step
        assert f"Step {number} of 6" in response.content.decode()
        assert 'aria-current="step"' in response.content.decode()


def test_unknown_step_is_404(draft, client_for):
    assert client_for(draft.user).get(step_url("nonsense")).status_code == 404


def test_about_step_saves_and_moves_on(draft, client_for):
    response = client_for(draft.user).post(step_url("about"), ABOUT)
    assert response.status_code == 302
    assert response["Location"] == step_url("practice")
    draft.refresh_from_db()
    assert (draft.display_name, draft.phone, draft.onboarding_step) == (
        "Dr Ada",
        "+34 600 000 000",
        "practice",
    )


def test_about_step_uses_the_browser_zone_when_none_is_chosen(draft, client_for):
    client_for(draft.user).post(
        step_url("about"), {**ABOUT, "time_zone": "", "detected_time_zone": "Asia/Tokyo"}
    )
    draft.refresh_from_db()
    assert draft.time_zone == "Asia/Tokyo"


def test_about_step_without_any_zone_asks_for_one(draft, client_for):
    response = client_for(draft.user).post(
        step_url("about"), {**ABOUT, "time_zone": "", "detected_time_zone": "Not/AZone"}
    )
    assert response.status_code == 400
    assert "Choose your time zone." in response.content.decode()
    draft.refresh_from_db()
    assert draft.time_zone == "" and draft.onboarding_step == "about"


def test_leaving_and_coming_back_resumes_at_the_saved_step(draft, client_for):
    client = client_for(draft.user)
    client.post(step_url("about"), ABOUT)
    client.post(
        step_url("practice"),
        {"modalities": ["video", "phone"], "accepting_new_patients": "on", "intent": "save_exit"},
    )
    # A new session (signed in again later) picks up where they left off.
    again = client_for(draft.user)
    response = again.get(reverse("specialist_onboarding"))
    assert response["Location"] == step_url("education")
    assert again.post(reverse("specialist_apply"))["Location"] == step_url("education")
    # Their answers are still there.
    page = again.get(step_url("practice")).content.decode()
    assert 'value="phone" ' in page and "checked" in page


def test_education_formset_adds_and_removes_rows(draft, client_for):
    client = client_for(draft.user)
    management = {
        "education-INITIAL_FORMS": "0",
        "education-MIN_NUM_FORMS": "1",
        "education-MAX_NUM_FORMS": "10",
    }
    response = client.post(
        step_url("education"),
        {
            **management,
            "education-TOTAL_FORMS": "1",
            "intent": "add_row",
            "education-0-degree": "BSc",
            "education-0-institution": "UCL",
            "education-0-year": "2001",
        },
    )
    assert response["Location"] == step_url("education")
    page = client.get(step_url("education")).content.decode()
    assert 'name="education-1-degree"' in page  # a blank row to add another

    response = client.post(
        step_url("education"),
        {
            **management,
            "education-TOTAL_FORMS": "2",
            "education-INITIAL_FORMS": "1",
            "education-0-degree": "BSc",
            "education-0-institution": "UCL",
            "education-0-year": "2001",
            "education-0-DELETE": "on",
            "education-1-degree": "MSc",
            "education-1-institution": "KCL",
            "education-1-year": "2004",
        },
    )
    assert response["Location"] == step_url("expertise")
    assert list(draft.education.values_list("degree", flat=True)) == ["MSc"]


def test_education_needs_at_least_one_row(draft, client_for):
    response = client_for(draft.user).post(
        step_url("education"),
        {
            "education-TOTAL_FORMS": "1",
            "education-INITIAL_FORMS": "0",
            "education-MIN_NUM_FORMS": "1",
            "education-MAX_NUM_FORMS": "10",
            "education-0-degree": "",
            "education-0-institution": "",
            "education-0-year": "",
        },
    )
    assert response.status_code == 400
    assert not draft.education.exists()


def test_expertise_step_uses_checkbox_groups_with_legends(draft, client_for):
    client = client_for(draft.user)
    page = client.get(step_url("expertise")).content.decode()
    assert page.count("<fieldset") >= 3 and "<legend>" in page
    spec = Specialisation.objects.get(slug="psychiatry")
    area = ExpertiseArea.objects.get(slug="sleep")
    response = client.post(
        step_url("expertise"),
        {"specialisations": [spec.slug], "expertise_areas": [area.slug], "languages": ["en", "fr"]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert list(draft.specialisations.all()) == [spec]
    assert draft.languages == ["en", "fr"]


def test_profile_step_accepts_a_photo(draft, client_for):
    response = client_for(draft.user).post(
        step_url("profile"),
        {"bio": BIO, "photo": SimpleUploadedFile("me.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.photo.name.startswith("specialists/photos/")
    assert draft.photo.name.endswith(".png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("cv.pdf", b"%PDF-1.7 ...", content_type="application/pdf"),
            "Choose a JPEG, PNG or WebP image.",
        ),
        (
            SimpleUploadedFile("fake.jpg", b"just some text", content_type="image/jpeg"),
            "Choose a JPEG, PNG or WebP image.",
        ),
        (
            SimpleUploadedFile(
                "huge.png", PNG + b"\x00" * PHOTO_MAX_BYTES, content_type="image/png"
            ),
            "The photo is too large. Choose an image of at most 5 MB.",
        ),
    ],
)
def test_profile_step_refuses_bad_photos_and_saves_nothing(draft, client_for, upload, message):
    response = client_for(draft.user).post(step_url("profile"), {"bio": BIO, "photo": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert not draft.photo and draft.bio == ""


def test_review_step_refuses_an_incomplete_submission_and_lists_what_is_missing(draft, client_for):
    response = client_for(draft.user).post(step_url("review"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "We could not submit your application yet" in page
    assert "A profile photo" in page and "At least one specialisation" in page
    assert f'href="{step_url("profile")}"' in page
    draft.refresh_from_db()
    assert draft.status == Specialist.Status.DRAFT


def test_review_step_submits_a_complete_application(complete_draft, client_for):
    client = client_for(complete_draft.user)
    page = client.get(step_url("review")).content.decode()
    assert "Dr New" in page and "Universidad de Salamanca" in page
    response = client.post(step_url("review"))
    assert response["Location"] == reverse("specialist_application_status")
    complete_draft.refresh_from_db()
    assert complete_draft.status == Specialist.Status.SUBMITTED
    # Locked while in review: onboarding sends them to the status page.
    assert client.get(step_url("about"))["Location"] == reverse("specialist_application_status")


def test_status_page_shows_the_reviewers_reason(submitted, operator, client_for):
    actions.request_changes(
        acting_user=operator, specialist=submitted, reason="Please add your licence number."
    )
    client = client_for(submitted.user)
    page = client.get(reverse("specialist_application_status")).content.decode()
    assert "Please add your licence number." in page
    assert "Changes requested" in page
    assert operator.email not in page  # reviewers stay anonymous to applicants
    # The onboarding shows the reason too while they edit.
    assert "Please add your licence number." in client.get(step_url("about")).content.decode()


def test_status_without_a_profile_goes_to_apply(db, client_for):
    user = make_user("nobody@example.com")
    response = client_for(user).get(reverse("specialist_application_status"))
    assert response["Location"] == reverse("specialist_apply")


def test_about_step_offers_the_zone_the_browser_reported(draft, client_for):
    client = client_for(draft.user)
    client.cookies["hale_tz"] = "America/Lima"
    page = client.get(step_url("about")).content.decode()
    assert 'name="detected_time_zone" value="America/Lima"' in page


def test_sign_up_on_the_platform_host_leads_to_the_application(db, anonymous):
    client = anonymous("localhost")
    response = client.post(
        f"{reverse('account_signup')}?next={reverse('specialist_apply')}",
        {
            "email": "fresh.doc@example.com",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    # The emailed link confirms the address, signs in and goes on to the application.
    response = client.post(confirmation_path("fresh.doc@example.com"))
    assert response["Location"] == reverse("specialist_apply")
    response = client.post(reverse("specialist_apply"))
    assert response["Location"] == step_url("about")
    assert Specialist.objects.get(user__email="fresh.doc@example.com").is_editable
