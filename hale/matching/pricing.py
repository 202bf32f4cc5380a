"""Per-brand prices, given to ``hale.scheduling.pricing.session_price`` through
``hale.scheduling.hooks.price_override``."""

from hale.matching.models import BrandMatching, Listing


def brand_price_override(*, session_type, brand) -> tuple[int, str] | None:
    """``(amount_minor, currency)`` replacing the session type's price on ``brand``, or None.

    Brand-fixed pricing: the brand's price for everyone listed. Specialist-set pricing: the
    listing's price when the specialist set one for this brand."""
    if brand is None:
        return None
    if brand.pricing_mode == "brand":
        fixed = BrandMatching.objects.filter(brand=brand).first()
        if fixed is not None and fixed.fixed_price_minor is not None:
            return fixed.fixed_price_minor, fixed.fixed_currency
        return None
    price = (
        Listing.objects.filter(brand=brand, specialist_id=session_type.specialist_id)
        .values_list("price_minor", flat=True)
        .first()
    )
    if price is not None:
        return price, session_type.currency
    return None
