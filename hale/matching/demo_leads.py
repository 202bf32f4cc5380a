"""Demo clinical lead: Dr Rivera supervises Dr Okafor on both brands, and Okafor's Northside
booking carries a note from the clinic so the lead has some history to read. Idempotent."""

from hale.accounts.models import User
from hale.matching.models import Supervision
from hale.scheduling import actions as scheduling_actions
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist

LEAD = "dr.rivera@hale.example"
SUPERVISEE = "dr.okafor@hale.example"
NOTE = "Bring the sleep diary you started last week."


def seed_demo_leads(brands) -> None:
    by_email = {
        s.user.email: s
        for s in Specialist.objects.approved()
        .select_related("user")
        .filter(user__email__in=[LEAD, SUPERVISEE])
    }
    lead, supervisee = by_email.get(LEAD), by_email.get(SUPERVISEE)
    if lead is None or supervisee is None:
        return
    operator = User.objects.filter(is_superuser=True).order_by("pk").first()
    for brand in brands.values():
        Supervision.objects.get_or_create(
            brand=brand, lead=lead, supervisee=supervisee, defaults={"created_by": operator}
        )
    appointment = (
        Appointment.objects.filter(specialist=supervisee, status__in=Appointment.BOOKED_STATUSES)
        .order_by("start", "pk")
        .first()
    )
    if appointment is not None and not appointment.clinic_notes:
        scheduling_actions.set_clinic_notes(
            appointment=appointment, acting_user=supervisee.user, notes=NOTE
        )
