"""``{% referrer as specialist %}``: the specialist whose referral link brought this visitor
to the brand (sign-up page), or None."""

from django import template

from hale.matching.referrals import referrer_in

register = template.Library()


@register.simple_tag(takes_context=True)
def referrer(context):
    request = context.get("request")
    if request is None:
        return None
    return referrer_in(getattr(request, "session", None), getattr(request, "brand", None))
