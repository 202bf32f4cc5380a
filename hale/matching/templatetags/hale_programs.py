"""``{% program_cover as cover %}``: the signed-in patient's program membership on the
current brand and the covered sessions left (for the booking and appointments pages)."""

from django import template

from hale.accounts.access import patient_record
from hale.matching.programs import current_membership, sessions_left

register = template.Library()


@register.simple_tag(takes_context=True)
def program_cover(context) -> dict | None:
    request = context.get("request")
    brand = getattr(request, "brand", None)
    user = getattr(request, "user", None)
    if brand is None or not getattr(user, "is_authenticated", False):
        return None
    patient = patient_record(user, brand, include_disabled=True)
    membership = current_membership(patient)
    if membership is None:
        return None
    return {
        "membership": membership,
        "program": membership.program,
        "left": sessions_left(membership),
    }
