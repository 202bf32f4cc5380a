"""``{% onboarding_resume_url as url %}``: where the signed-in patient finishes setting up
their account on this brand, or "" when there is nothing left to do."""

from django import template

from hale.accounts.access import request_patient
from hale.accounts.onboarding import onboarding_url_for

register = template.Library()


@register.simple_tag(takes_context=True)
def onboarding_resume_url(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return onboarding_url_for(request_patient(request)) or ""
