"""Demo listings: eight approved specialists across the two brands (dr.rivera and dr.okafor
on both). Calm (smart-matching) has a brand-fixed price; Northside (browse) lets specialists
set prices, so its listings carry different ones. Idempotent."""

from hale.matching.actions import refresh_match_profiles
from hale.matching.models import BrandMatching, Listing
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


def refresh_demo_matching() -> None:
    refresh_match_profiles()
