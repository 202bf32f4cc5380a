"""Per-brand prices, given to ``hale.scheduling.pricing.session_price`` through
``hale.scheduling.hooks.price_override``, and the same rule for many listings at once (the
specialist's listings page)."""

from dataclasses import dataclass

from hale.matching.models import BrandMatching, Listing
from hale.scheduling.pricing import Price


def _override(
    session_type, brand, *, fixed: BrandMatching | None, listing_price_minor: int | None
) -> tuple[int, str] | None:
    """The one rule. Brand-fixed pricing: the brand's price for everyone listed (none set:
    the session type's own). Specialist-set pricing: the listing's price when the specialist
    set one for this brand."""
    if brand.pricing_mode == "brand":
        if fixed is not None and fixed.fixed_price_minor is not None:
            return fixed.fixed_price_minor, fixed.fixed_currency
        return None
    if listing_price_minor is not None:
        return listing_price_minor, session_type.currency
    return None


def brand_price_override(*, session_type, brand) -> tuple[int, str] | None:
    """``(amount_minor, currency)`` replacing the session type's price on ``brand``, or None."""
    if brand is None:
        return None
    if brand.pricing_mode == "brand":
        fixed = BrandMatching.objects.filter(brand=brand).first()
        return _override(session_type, brand, fixed=fixed, listing_price_minor=None)
    price = (
        Listing.objects.filter(brand=brand, specialist_id=session_type.specialist_id)
        .values_list("price_minor", flat=True)
        .first()
    )
    return _override(session_type, brand, fixed=None, listing_price_minor=price)


@dataclass(frozen=True)
class ListingPrices:
    """A listing with what patients of its brand pay for each of the session types given
    (in their order)."""

    listing: Listing
    prices: list[Price]

    @property
    def brand_sets_price(self) -> bool:
        return self.listing.brand.pricing_mode == "brand"


def listing_prices(listings: list[Listing], session_types: list) -> list[ListingPrices]:
    """``session_price`` for every listing (brand selected) and session type, in one query
    (the brands' matching settings) however many listings there are."""
    brand_ids = {listing.brand_id for listing in listings}
    fixed = {m.brand_id: m for m in BrandMatching.objects.filter(brand_id__in=brand_ids)}
    rows = []
    for listing in listings:
        prices = []
        for session_type in session_types:
            override = _override(
                session_type,
                listing.brand,
                fixed=fixed.get(listing.brand_id),
                listing_price_minor=listing.price_minor,
            )
            prices.append(Price(*override) if override else session_type.default_price)
        rows.append(ListingPrices(listing=listing, prices=prices))
    return rows
