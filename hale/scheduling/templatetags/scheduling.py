"""Template helpers for pages outside the scheduling app (the patient home)."""

from django import template

from hale.scheduling.access import bookable_specialists as _bookable

register = template.Library()

HOME_LIMIT = 12


@register.simple_tag(takes_context=True)
def bookable_specialists(context):
    """Specialists the viewer's brand lets patients book, for a short home list (one query)."""
    request = context.get("request")
    brand = getattr(request, "brand", None)
    if brand is None:
        return []
    return list(_bookable(brand)[:HOME_LIMIT])
