"""Template helpers for My Account: the idle-timeout warning and the MFA requirement."""

from django import template

from hale.accounts import sessions
from hale.accounts.mfa_policy import MfaRequirement, must_enrol
from hale.accounts.session_security import remaining_seconds

register = template.Library()

# The page warns this many seconds before the idle timeout.
WARNING_SECONDS = 120


@register.simple_tag(takes_context=True)
def session_timeout(context) -> dict | None:
    """``{% session_timeout as timeout %}``: what the warning script needs, or None when
    there is no idle timeout (or no session)."""
    request = context.get("request")
    if request is None or not sessions.idle_timeout() or not hasattr(request, "session"):
        return None
    idle = sessions.idle_timeout()
    return {
        "idle": idle,
        "remaining": remaining_seconds(request.session),
        "warning": min(WARNING_SECONDS, max(idle // 2, 1)),
    }


@register.simple_tag(takes_context=True)
def mfa_enrolment_required(context) -> MfaRequirement | None:
    """``{% mfa_enrolment_required as requirement %}``: why the viewer must set up two-factor
    authentication and has not yet, or None."""
    request = context.get("request")
    if request is None:
        return None
    return must_enrol(getattr(request, "user", None), getattr(request, "user_session", None))
