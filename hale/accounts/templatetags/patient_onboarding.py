"""``{% onboarding_resume_url as url %}``: where the signed-in patient finishes setting up
their account on this brand, or "" when there is nothing left to do."""

from django import template

from hale.accounts.onboarding import pending_onboarding_url

register = template.Library()


@register.simple_tag(takes_context=True)
def onboarding_resume_url(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return pending_onboarding_url(request.user, getattr(request, "brand", None)) or ""
