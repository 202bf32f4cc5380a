"""Starting an application, saving onboarding steps and submitting for review."""

import pytest
from django.core.exceptions import ValidationError

from hale.core.models import AuditEvent
from hale.specialists import actions
from hale.specialists.models import ReviewEvent, Specialist
from hale.specialists.tests.conftest import complete_steps, png_upload


def test_start_application_creates_one_draft_and_is_idempotent(applicant_user):
    first = actions.start_application(user=applicant_user)
    again = actions.start_application(user=applicant_user)
    assert first.pk == again.pk
    assert first.status == Specialist.Status.DRAFT
    assert first.onboarding_step == "about"
    assert first.display_name == "Ada Applicant"
    assert AuditEvent.objects.filter(action="specialist.application_started").count() == 1


def test_saving_a_step_moves_the_resume_point_to_the_next_step(draft):
    draft = actions.save_onboarding_step(
        specialist=draft,
        step="about",
        data={
            "display_name": "Dr Ada",
            "credentials": "PsyD",
            "time_zone": "Europe/Madrid",
            "phone": "+34 600 000 000",
        },
    )
    draft.refresh_from_db()
    assert draft.onboarding_step == "practice"
    assert (draft.display_name, draft.time_zone) == ("Dr Ada", "Europe/Madrid")
    # Their own pages now show times in the zone they work in.
    draft.user.refresh_from_db()
    assert draft.user.time_zone == "Europe/Madrid"


def test_an_invalid_step_changes_nothing(draft):
    with pytest.raises(ValidationError) as exc:
        actions.save_onboarding_step(
            specialist=draft,
            step="about",
            data={
                "display_name": "Dr Ada",
                "credentials": "PsyD",
                "time_zone": "Mars/Olympus",
                "phone": "+34 600 000 000",
            },
        )
    assert "time_zone" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.display_name == "Ada Applicant"
    assert draft.onboarding_step == "about"


def test_unknown_language_or_modality_is_refused(draft):
    with pytest.raises(ValidationError):
        actions.save_onboarding_step(
            specialist=draft,
            step="expertise",
            data={"specialisations": [], "expertise_areas": [], "languages": ["klingon"]},
        )
    with pytest.raises(ValidationError):
        actions.save_onboarding_step(
            specialist=draft, step="practice", data={"modalities": ["telepathy"]}
        )
    draft.refresh_from_db()
    assert draft.languages == [] and draft.modalities == []


def test_education_step_replaces_the_rows(draft):
    rows = [
        {"degree": "BSc", "institution": "UCL", "year": 2001},
        {"degree": "MSc", "institution": "KCL", "year": 2003},
    ]
    actions.save_onboarding_step(specialist=draft, step="education", data={"education": rows})
    actions.save_onboarding_step(specialist=draft, step="education", data={"education": rows[1:]})
    assert list(draft.education.values_list("degree", flat=True)) == ["MSc"]


def test_replacing_the_photo_deletes_the_old_file_after_commit(
    draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_onboarding_step(
            specialist=draft, step="profile", data={"bio": "x", "photo": png_upload("one.png")}
        )
    draft.refresh_from_db()
    old = draft.photo.name
    storage = draft.photo.storage
    assert storage.exists(old)
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_onboarding_step(
            specialist=draft, step="profile", data={"bio": "x", "photo": png_upload("two.png")}
        )
    draft.refresh_from_db()
    assert draft.photo.name != old
    assert storage.exists(draft.photo.name)
    assert not storage.exists(old)


def test_submit_refuses_an_incomplete_application_and_lists_what_is_missing(draft):
    with pytest.raises(actions.IncompleteApplication) as exc:
        actions.submit_for_review(specialist=draft)
    messages = exc.value.messages
    for expected in [
        "Your credentials",
        "Your phone number",
        "A profile photo",
        "At least one specialisation",
        "At least one language you hold sessions in",
        "At least one degree or qualification",
    ]:
        assert expected in messages
    assert {step for step, _m in exc.value.missing} == {
        "about",
        "practice",
        "education",
        "expertise",
        "profile",
    }
    draft.refresh_from_db()
    assert draft.status == Specialist.Status.DRAFT
    assert draft.submitted_at is None
    assert not ReviewEvent.objects.exists()


def test_submit_lists_only_the_one_missing_item(complete_draft):
    actions.save_onboarding_step(
        specialist=complete_draft, step="profile", data={"bio": "Too short.", "photo": None}
    )
    with pytest.raises(actions.IncompleteApplication) as exc:
        actions.submit_for_review(specialist=complete_draft)
    assert exc.value.messages == ["A bio of at least 80 characters"]


def test_submitting_a_complete_application_queues_it(complete_draft):
    specialist = actions.submit_for_review(specialist=complete_draft)
    assert specialist.status == Specialist.Status.SUBMITTED
    assert specialist.submitted_at is not None
    assert ReviewEvent.objects.get(specialist=specialist).kind == ReviewEvent.Kind.SUBMITTED
    assert AuditEvent.objects.filter(
        action="specialist.submitted", object_id=str(specialist.pk)
    ).exists()


def test_a_submitted_application_cannot_be_edited_or_resubmitted(submitted):
    with pytest.raises(actions.InvalidTransition):
        actions.save_onboarding_step(
            specialist=submitted,
            step="about",
            data={"display_name": "Changed", "credentials": "x", "time_zone": "UTC", "phone": ""},
        )
    with pytest.raises(actions.InvalidTransition):
        actions.submit_for_review(specialist=submitted)
    submitted.refresh_from_db()
    assert submitted.display_name == "Dr New"


def test_complete_steps_helper_leaves_nothing_missing(draft):
    assert actions.missing_items(complete_steps(draft)) == []
