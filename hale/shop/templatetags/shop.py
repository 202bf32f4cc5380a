"""``{% cart_count %}``: the item count of the signed-in patient's cart (header icon)."""

from django import template

from hale.shop import access

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    request = context.get("request")
    brand = getattr(request, "brand", None)
    if request is None or brand is None:
        return 0
    return access.cart_count(brand, request.user)


@register.filter
def tax_rate(rate_bp: int) -> str:
    """2000 → "20 %"."""
    from hale.shop.tax import rate_label

    return rate_label(int(rate_bp or 0))
