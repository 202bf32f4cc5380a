from django.utils import timezone

from hale.demo import seed as demo
from hale.matching.models import Listing
from hale.scheduling.models import Appointment, AvailabilityRequest, SessionType, WeeklyRule
from hale.specialists.models import Specialist

SET_UP_PATIENTS = ["alex@calm.example", "priya@northside.example", "jo@northside.example"]


def test_demo_schedule_is_seeded_once(db):
    demo.seed()
    demo.seed()
    assert SessionType.objects.filter(specialist__user__email="dr.rivera@hale.example").count() == 3
    assert WeeklyRule.objects.filter(specialist__user__email="dr.okafor@hale.example").count() == 4
    booked = Appointment.objects.filter(status="confirmed")
    assert {a.patient.email for a in booked} == set(SET_UP_PATIENTS)
    assert Appointment.objects.filter(status="proposed").count() == 3
    assert Appointment.objects.filter(status="completed").count() == 7
    requests = AvailabilityRequest.objects.order_by("patient__email")
    assert [(r.patient.email, r.specialist.user.email, r.status) for r in requests] == [
        ("alex@calm.example", "dr.okafor@hale.example", "open"),
        ("jo@northside.example", "dr.silva@hale.example", "open"),
        ("priya@northside.example", "dr.moreau@hale.example", "open"),
    ]


def test_each_set_up_demo_patient_has_a_living_history(db):
    demo.seed()
    now = timezone.now()
    for email in SET_UP_PATIENTS:
        theirs = Appointment.objects.filter(patient__email=email)
        assert theirs.filter(status="completed", end__lt=now).exists(), email
        assert theirs.filter(status="confirmed", start__gt=now).exists(), email
        assert theirs.filter(status="proposed", expires_at__gt=now).exists(), email
        assert AvailabilityRequest.objects.filter(patient__email=email, status="open").exists()


def test_demo_practice_is_varied_across_both_brands(db):
    demo.seed()
    approved = Specialist.objects.approved()
    assert approved.count() >= 8
    assert all(s.session_types.exists() and s.weekly_rules.exists() for s in approved)
    languages = {code for s in approved for code in s.languages}
    regions = {code for s in approved for code in s.licence_regions}
    assert len(languages) >= 6 and len(regions) >= 5
    assert approved.values("specialisations").distinct().count() >= 6
    for slug in ("calm", "northside"):
        assert Listing.objects.filter(brand__slug=slug, visibility="listed").count() >= 5
    prices = set(
        Listing.objects.filter(brand__slug="northside").values_list("price_minor", flat=True)
    )
    assert len(prices) >= 5
