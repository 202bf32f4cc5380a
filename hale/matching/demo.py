"""Demo listings: dr.rivera and dr.okafor on both brands. Calm (smart-matching) has a
brand-fixed price; Northside (browse) lets specialists set prices. Idempotent."""

from hale.matching.actions import refresh_match_profiles
from hale.matching.models import BrandMatching, Listing
from hale.specialists.models import Specialist

DEMO_SPECIALISTS = {"dr.rivera@hale.example": 9500, "dr.okafor@hale.example": 11000}


def seed_demo_matching(brands) -> None:
    specialists = Specialist.objects.approved().filter(user__email__in=DEMO_SPECIALISTS)
    BrandMatching.objects.update_or_create(
        brand=brands["calm"],
        defaults={"fixed_price_minor": 8000, "fixed_currency": "EUR", "switching_rule": "free"},
    )
    BrandMatching.objects.update_or_create(
        brand=brands["northside"], defaults={"switching_rule": "no_upcoming"}
    )
    for specialist in specialists:
        for slug in ("calm", "northside"):
            price = DEMO_SPECIALISTS[specialist.user.email] if slug == "northside" else None
            Listing.objects.get_or_create(
                brand=brands[slug], specialist=specialist, defaults={"price_minor": price}
            )


def refresh_demo_matching() -> None:
    refresh_match_profiles()
