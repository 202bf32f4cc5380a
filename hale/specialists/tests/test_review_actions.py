"""Reviewer decisions: approve, request changes, reject; who may decide; the specialist is told."""

import pytest
from django.core import mail

from hale.core.models import AuditEvent
from hale.notifications.models import EmailDelivery, Notification
from hale.specialists import actions
from hale.specialists.access import is_reviewer
from hale.specialists.models import ReviewEvent, Specialist


def test_reviewers_are_operators_and_brand_staff(operator, staff_a, staff_b, patient_a, specialist):
    assert is_reviewer(operator)
    assert is_reviewer(staff_a) and is_reviewer(staff_b)
    assert not is_reviewer(patient_a.user)
    assert not is_reviewer(specialist.user)


def test_approve_makes_the_specialist_visible_and_tells_them(
    submitted, staff_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(acting_user=staff_a, specialist=submitted)
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.APPROVED
    assert submitted.reviewed_by == staff_a and submitted.reviewed_at is not None
    assert Specialist.objects.approved().filter(pk=submitted.pk).exists()
    note = Notification.objects.get(user=submitted.user)
    assert note.kind == "specialist.application_approved"
    assert note.portal == "platform"
    assert note.url == "/practice/application/"
    assert EmailDelivery.objects.filter(
        user=submitted.user, kind="specialist.application_approved"
    ).exists()
    assert [m.to for m in mail.outbox] == [[submitted.user.email]]
    assert AuditEvent.objects.filter(action="specialist.approved", actor=staff_a).exists()


@pytest.mark.parametrize(
    ("decide", "status", "kind"),
    [
        (
            actions.request_changes,
            Specialist.Status.CHANGES_REQUESTED,
            "specialist.application_changes_requested",
        ),
        (actions.reject, Specialist.Status.REJECTED, "specialist.application_rejected"),
    ],
)
def test_decisions_with_a_reason_record_it_and_send_it_to_the_specialist(
    submitted, operator, decide, status, kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(acting_user=operator, specialist=submitted, reason="  Add your licence number. ")
    submitted.refresh_from_db()
    assert submitted.status == status
    assert submitted.review_reason == "Add your licence number."
    event = ReviewEvent.objects.filter(specialist=submitted).first()
    assert (event.kind, event.reason, event.actor) == (status, "Add your licence number.", operator)
    note = Notification.objects.get(user=submitted.user, kind=kind)
    assert "Add your licence number." in note.body
    assert len(mail.outbox) == 1
    assert "Add your licence number." in mail.outbox[0].body
    assert not Specialist.objects.approved().filter(pk=submitted.pk).exists()


@pytest.mark.parametrize("decide", [actions.request_changes, actions.reject])
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(submitted, operator, decide, reason):
    with pytest.raises(actions.ApplicationError) as exc:
        decide(acting_user=operator, specialist=submitted, reason=reason)
    assert "reason" in exc.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.SUBMITTED
    assert not Notification.objects.filter(user=submitted.user).exists()


@pytest.mark.parametrize("who", ["patient", "specialist", "applicant"])
def test_non_reviewers_cannot_decide_and_nothing_changes(submitted, patient_a, specialist, who):
    user = {"patient": patient_a.user, "specialist": specialist.user, "applicant": submitted.user}[
        who
    ]
    for decide, kwargs in [
        (actions.approve, {}),
        (actions.reject, {"reason": "no"}),
        (actions.request_changes, {"reason": "no"}),
    ]:
        with pytest.raises(actions.NotAReviewer):
            decide(acting_user=user, specialist=submitted, **kwargs)
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.SUBMITTED
    assert submitted.reviewed_by is None
    assert not Notification.objects.exists()


def test_staff_cannot_review_their_own_application(staff_a):
    from hale.specialists.tests.conftest import complete_steps

    own = actions.submit_for_review(
        specialist=complete_steps(actions.start_application(user=staff_a))
    )
    with pytest.raises(actions.NotAReviewer):
        actions.approve(acting_user=staff_a, specialist=own)
    own.refresh_from_db()
    assert own.status == Specialist.Status.SUBMITTED


def test_a_decided_application_cannot_be_decided_again(submitted, staff_a, staff_b):
    actions.approve(acting_user=staff_a, specialist=submitted)
    with pytest.raises(actions.InvalidTransition):
        actions.reject(acting_user=staff_b, specialist=submitted, reason="Too late")
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.APPROVED
    assert submitted.reviewed_by == staff_a


def test_a_draft_cannot_be_approved(complete_draft, operator):
    with pytest.raises(actions.InvalidTransition):
        actions.approve(acting_user=operator, specialist=complete_draft)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Specialist.Status.DRAFT


def test_after_changes_are_requested_the_specialist_edits_and_resubmits(submitted, operator):
    actions.request_changes(acting_user=operator, specialist=submitted, reason="Fix phone")
    actions.save_onboarding_step(
        specialist=submitted,
        step="about",
        data={
            "display_name": "Dr New",
            "credentials": "PsyD",
            "time_zone": "Europe/Madrid",
            "phone": "+34 611 111 111",
        },
    )
    resubmitted = actions.submit_for_review(specialist=submitted)
    assert resubmitted.status == Specialist.Status.SUBMITTED
    assert list(
        ReviewEvent.objects.filter(specialist=submitted)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    ) == ["submitted", "changes_requested", "submitted"]
    actions.approve(acting_user=operator, specialist=resubmitted)
    assert Specialist.objects.approved().filter(pk=submitted.pk).exists()


def test_a_rejected_application_is_final(submitted, operator):
    actions.reject(acting_user=operator, specialist=submitted, reason="Not licensed")
    with pytest.raises(actions.InvalidTransition):
        actions.submit_for_review(specialist=submitted)
    with pytest.raises(actions.InvalidTransition):
        actions.save_onboarding_step(specialist=submitted, step="profile", data={"bio": "x"})
