"""Demo matching, idempotent.

Listings: eight approved specialists across the two brands (dr.rivera and dr.okafor on both).
Calm (smart-matching) has a brand-fixed price; Northside (browse) lets specialists set prices,
so its listings carry different ones.

Listing request: Dr Tanaka (listed on Calm only) asks to be listed on Northside too, so
Northside's staff have one to answer on their listings page.

Clinical lead: Dr Rivera supervises Dr Okafor on both brands, and Okafor's Northside booking
carries a note from the clinic so the lead has some history to read. The demo program is in
``hale.matching.programs.demo``."""

from hale.accounts.models import User
from hale.matching.actions import refresh_match_profiles
from hale.matching.models import BrandMatching, Listing, ListingRequest, Supervision
from hale.scheduling import actions as scheduling_actions
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist

# email → {brand slug: Northside listing price (None on Calm, whose price is fixed)}
DEMO_SPECIALISTS: dict[str, dict[str, int | None]] = {
    "dr.rivera@hale.example": {"calm": None, "northside": 9500},
    "dr.okafor@hale.example": {"calm": None, "northside": 11000},
    "dr.moreau@hale.example": {"calm": None, "northside": 14000},
    "dr.tanaka@hale.example": {"calm": None},
    "dr.silva@hale.example": {"calm": None, "northside": 8500},
    "dr.weber@hale.example": {"northside": 9000},
    "dr.mensah@hale.example": {"northside": 7500},
    "dr.costa@hale.example": {"calm": None, "northside": 6500},
}


def seed_demo_matching(brands) -> None:
    specialists = Specialist.objects.approved().filter(user__email__in=DEMO_SPECIALISTS)
    BrandMatching.objects.update_or_create(
        brand=brands["calm"],
        defaults={"fixed_price_minor": 8000, "fixed_currency": "EUR", "switching_rule": "free"},
    )
    BrandMatching.objects.update_or_create(
        brand=brands["northside"], defaults={"switching_rule": "no_upcoming"}
    )
    for specialist in specialists.select_related("user"):
        for slug, price in DEMO_SPECIALISTS[specialist.user.email].items():
            Listing.objects.get_or_create(
                brand=brands[slug], specialist=specialist, defaults={"price_minor": price}
            )
    seed_demo_listing_request(brands)


# (specialist email, brand slug that does not list them, their message)
LISTING_REQUEST = (
    "dr.tanaka@hale.example",
    "northside",
    "I would like to offer my counselling sessions to Northside patients as well.",
)


def seed_demo_listing_request(brands) -> None:
    """One waiting request; once it exists (even answered by a newcomer) it is left alone."""
    email, slug, message = LISTING_REQUEST
    specialist = Specialist.objects.approved().filter(user__email=email).first()
    brand = brands.get(slug)
    if specialist is None or brand is None:
        return
    if Listing.objects.filter(brand=brand, specialist=specialist).exists():
        return
    if ListingRequest.objects.filter(specialist=specialist, brand=brand).exists():
        return
    ListingRequest.objects.get_or_create(
        specialist=specialist,
        brand=brand,
        status=ListingRequest.Status.PENDING,
        defaults={"message": message},
    )


def refresh_demo_matching() -> None:
    refresh_match_profiles()


# --- Clinical lead ---------------------------------------------------------------------------

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
