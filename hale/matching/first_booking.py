"""Browse brands: patients pick a specialist's open times only for the first booking.

After a first booked session with their specialist, the specialist leads scheduling (they
propose times); the patient can still ask for availability (an availability request), but the
specialist's open slots are no longer listed for them and booking one is refused.
"""

from django.utils.translation import gettext_lazy as _

from hale.matching.models import CareRelationship
from hale.scheduling.models import Appointment

# Sessions that count as "booked before": held or still on the calendar.
COUNTED_STATUSES = (*Appointment.BOOKED_STATUSES, "completed", "no_show")

SPECIALIST_LEADS_MESSAGE = _(
    "Your specialist will propose times for your next sessions. To ask for other times, use "
    "“Request other times”."
)


def specialist_leads_scheduling(*, brand, patient, specialist) -> bool:
    """True when ``patient`` on the browse ``brand`` is in ``specialist``'s care and has had a
    session booked with them, so slots are no longer offered to this patient."""
    if brand is None or patient is None or brand.discovery_mode != brand.Discovery.BROWSE:
        return False
    in_care = CareRelationship.objects.filter(
        patient=patient, specialist=specialist, status=CareRelationship.Status.ACTIVE
    ).exists()
    return (
        in_care
        and Appointment.objects.filter(
            patient=patient, specialist=specialist, status__in=COUNTED_STATUSES
        ).exists()
    )


def booking_refusal(*, brand, patient, specialist) -> str | None:
    """``hale.scheduling.hooks.booking_refusal``: why this patient may not pick open times."""
    if specialist_leads_scheduling(brand=brand, patient=patient, specialist=specialist):
        return str(SPECIALIST_LEADS_MESSAGE)
    return None
