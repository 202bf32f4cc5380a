from hale.demo import seed as demo
from hale.scheduling.models import Appointment, AvailabilityRequest, SessionType, WeeklyRule


def test_demo_schedule_is_seeded_once(db):
    demo.seed()
    demo.seed()
    assert SessionType.objects.filter(specialist__user__email="dr.rivera@hale.example").count() == 3
    assert WeeklyRule.objects.filter(specialist__user__email="dr.okafor@hale.example").count() == 4
    booked = Appointment.objects.filter(status="confirmed")
    assert {a.patient.email for a in booked} == {"alex@calm.example", "priya@northside.example"}
    assert Appointment.objects.filter(status="proposed").count() == 2
    request = AvailabilityRequest.objects.get()
    assert (request.patient.email, request.specialist.user.email, request.status) == (
        "alex@calm.example",
        "dr.okafor@hale.example",
        "open",
    )
