"""The demo specialists: eight complete approved profiles and one application in the queue."""

from hale.specialists.actions import missing_items
from hale.specialists.demo import APPLICANT_EMAIL, PROFILES, seed_demo_specialists
from hale.specialists.models import Education, Specialist


def test_seed_is_idempotent_and_complete(db):
    seed_demo_specialists()
    counts = (Specialist.objects.count(), Education.objects.count())
    seed_demo_specialists()
    assert (Specialist.objects.count(), Education.objects.count()) == counts

    approved = Specialist.objects.approved().select_related("user")
    assert {s.user.email for s in approved} == set(PROFILES)
    assert len(PROFILES) == 8
    for specialist in approved:
        assert missing_items(specialist) == []
    rivera = approved.get(user__email="dr.rivera@hale.example")
    assert rivera.languages == ["es", "en"]
    assert approved.get(user__email="dr.okafor@hale.example").languages == ["en"]

    applicant = Specialist.objects.get(user__email=APPLICANT_EMAIL)
    assert applicant.status == Specialist.Status.SUBMITTED
    assert applicant.user.check_password("hale-demo-2026")


def test_seed_keeps_a_newcomers_review_decision(db, operator):
    from hale.specialists import actions

    seed_demo_specialists()
    applicant = Specialist.objects.get(user__email=APPLICANT_EMAIL)
    actions.reject(acting_user=operator, specialist=applicant, reason="Trying it out")
    seed_demo_specialists()
    applicant.refresh_from_db()
    assert applicant.status == Specialist.Status.REJECTED


def test_seed_completes_the_profiles_the_demo_created(db):
    from hale.demo.seed import seed

    seed()
    seed_demo_specialists()
    rivera = Specialist.objects.get(user__email="dr.rivera@hale.example")
    assert rivera.is_approved and missing_items(rivera) == []
    assert rivera.review_events.count() == 2
    assert Specialist.objects.awaiting_review().get().user.email == APPLICANT_EMAIL
