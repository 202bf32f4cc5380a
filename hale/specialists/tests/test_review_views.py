"""The staff review queue at /staff/reviews/: list, detail, decisions, and who gets 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from hale.notifications.models import Notification
from hale.specialists import actions
from hale.specialists.models import ExpertiseArea, Specialisation, Specialist
from hale.specialists.tests.conftest import complete_steps


def submit_new(email: str, *, days_ago: int = 0) -> Specialist:
    specialist = actions.submit_for_review(
        specialist=complete_steps(actions.start_application(user=make_user(email)))
    )
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Specialist.objects.filter(pk=specialist.pk).update(submitted_at=when)
    return specialist


def detail_url(s: Specialist, name: str = "staff_review_detail") -> str:
    return reverse(name, args=[s.uuid])


def test_queue_lists_submitted_applications_oldest_first(
    staff_a, client_for, specialist, complete_draft
):
    newer = submit_new("newer@example.com", days_ago=1)
    older = submit_new("older@example.com", days_ago=5)
    response = client_for(staff_a).get(reverse("staff_review_queue"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["page"].object_list] == [older.pk, newer.pk]
    page = response.content.decode()
    # Approved specialists and unsubmitted drafts are not in the queue.
    assert specialist.display_name not in page
    assert str(complete_draft.uuid) not in page


def test_queue_query_count_does_not_grow_with_the_queue(operator, client_for):
    client = client_for(operator)
    submit_new("one@example.com")
    client.get(reverse("staff_review_queue"))  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("staff_review_queue")).status_code == 200
    for i in range(6):
        submit_new(f"more{i}@example.com")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff_review_queue"))
    assert len(response.context["page"].object_list) == 7
    assert len(many) == len(few)


def test_detail_page_query_count_does_not_grow_with_the_profile(operator, client_for, submitted):
    client = client_for(operator)
    client.get(detail_url(submitted))
    with CaptureQueriesContext(connection) as small:
        assert client.get(detail_url(submitted)).status_code == 200

    bigger = complete_steps(actions.start_application(user=make_user("big@example.com")))
    actions.save_onboarding_step(
        specialist=bigger,
        step="education",
        data={
            "education": [
                {"degree": f"Degree {i}", "institution": "UCL", "year": 2000 + i} for i in range(5)
            ]
        },
    )
    actions.save_onboarding_step(
        specialist=bigger,
        step="expertise",
        data={
            "specialisations": list(Specialisation.objects.all()),
            "expertise_areas": list(ExpertiseArea.objects.all()),
            "languages": ["en", "es", "fr"],
        },
    )
    bigger = actions.submit_for_review(specialist=bigger)
    actions.request_changes(acting_user=operator, specialist=bigger, reason="More")
    bigger = actions.submit_for_review(specialist=bigger)
    with CaptureQueriesContext(connection) as large:
        assert client.get(detail_url(bigger)).status_code == 200
    assert len(large) == len(small), "\n".join(q["sql"] for q in large)


def test_detail_shows_the_profile_as_patients_see_it(staff_b, client_for, submitted):
    page = client_for(staff_b).get(detail_url(submitted)).content.decode()
    for text in [
        "Dr New",
        "PsyD",
        "Clinical psychology",
        "Anxiety",
        "Spanish",
        "English",
        "Universidad de Salamanca",
        "Video",
        submitted.user.email,
        "+34 600 000 000",
    ]:
        assert text in page, text
    assert 'alt="Photo of Dr New"' in page


@pytest.mark.parametrize("who", ["patient", "specialist", "applicant", "plain_user"])
def test_non_reviewers_get_404_everywhere_and_nothing_changes(
    who, submitted, patient_a, specialist, client_for
):
    user = {
        "patient": patient_a.user,
        "specialist": specialist.user,
        "applicant": submitted.user,
        "plain_user": make_user("x@example.com"),
    }[who]
    client = client_for(user)
    assert client.get(reverse("staff_review_queue")).status_code == 404
    assert client.get(detail_url(submitted)).status_code == 404
    assert client.post(detail_url(submitted, "staff_review_approve")).status_code == 404
    assert (
        client.post(
            detail_url(submitted, "staff_review_reject"), {"reject-reason": "no"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            detail_url(submitted, "staff_review_request_changes"), {"changes-reason": "no"}
        ).status_code
        == 404
    )
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.SUBMITTED
    assert not Notification.objects.exists()


def test_review_pages_are_not_on_brand_hosts(staff_a, submitted, client_for):
    client = client_for(staff_a, "calm.localhost")
    assert client.get("/staff/reviews/").status_code == 404


def test_an_unknown_application_is_404(operator, client_for):
    import uuid

    response = client_for(operator).get(reverse("staff_review_detail", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_approve_from_the_detail_page(staff_a, submitted, client_for):
    response = client_for(staff_a).post(detail_url(submitted, "staff_review_approve"))
    assert response["Location"] == reverse("staff_review_queue")
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.APPROVED
    assert Notification.objects.filter(
        user=submitted.user, kind="specialist.application_approved"
    ).exists()


def test_request_changes_needs_a_reason(staff_a, submitted, client_for):
    client = client_for(staff_a)
    response = client.post(
        detail_url(submitted, "staff_review_request_changes"), {"changes-reason": "  "}
    )
    assert response.status_code == 400
    assert "Give the specialist a reason." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.SUBMITTED

    response = client.post(
        detail_url(submitted, "staff_review_request_changes"),
        {"changes-reason": "Your photo is blurry."},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.CHANGES_REQUESTED
    assert submitted.review_reason == "Your photo is blurry."
    note = Notification.objects.get(user=submitted.user)
    assert "Your photo is blurry." in note.body


def test_reject_needs_a_reason(operator, submitted, client_for):
    client = client_for(operator)
    response = client.post(detail_url(submitted, "staff_review_reject"), {"reject-reason": ""})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.SUBMITTED
    client.post(
        detail_url(submitted, "staff_review_reject"),
        {"reject-reason": "We could not verify your licence."},
    )
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.REJECTED
    assert Notification.objects.filter(kind="specialist.application_rejected").count() == 1


def test_a_second_decision_is_refused_with_a_message(staff_a, staff_b, submitted, client_for):
    client_for(staff_a).post(detail_url(submitted, "staff_review_approve"))
    response = client_for(staff_b).post(
        detail_url(submitted, "staff_review_reject"), {"reject-reason": "Nope"}, follow=True
    )
    assert "not waiting for review" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Specialist.Status.APPROVED


def test_decided_applications_show_no_decision_forms(operator, submitted, client_for):
    actions.approve(acting_user=operator, specialist=submitted)
    page = client_for(operator).get(detail_url(submitted)).content.decode()
    assert detail_url(submitted, "staff_review_approve") not in page


def test_staff_do_not_see_their_own_application(staff_a, client_for):
    own = actions.submit_for_review(
        specialist=complete_steps(actions.start_application(user=staff_a))
    )
    client = client_for(staff_a)
    assert own.uuid not in [
        s.uuid for s in client.get(reverse("staff_review_queue")).context["page"]
    ]
    assert client.get(detail_url(own)).status_code == 404
