"""Brands can require two-factor authentication for their staff and for specialists.

Staff: anyone who works in the back office of a brand with ``require_mfa_for_staff`` (platform
operators see every brand's back office, so the rule applies to them as soon as any brand
has it on). Specialists: specialist listings per brand do not exist yet, so when any active
brand has ``require_mfa_for_specialists`` on, every approved specialist needs it.

Enforced on the platform host only (where the back office and the specialist portal live):
until they enrol an authenticator app or a security key, such people are sent to the
two-factor page, which explains why. Recovery codes alone do not count: they exist only
alongside another authenticator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hale.tenancy.middleware import PLATFORM

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

# Pages a person who must enrol can still use: allauth's account and two-factor pages
# (setup, reauthentication, email verification, sign-out), our own session endpoints,
# the language switch and background polling.
ALLOWED_PREFIXES = ("mfa_", "account_", "dev_outbox")
ALLOWED_NAMES = frozenset({"set_language", "notification_unread_count"})


@dataclass(frozen=True)
class MfaRequirement:
    """Why a person must use two-factor authentication."""

    staff_of: list[str] = field(default_factory=list)
    specialist: bool = False


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def mfa_requirement(user) -> MfaRequirement | None:
    """The brand rules that oblige ``user`` to use two-factor authentication, or None."""
    if user is None or not user.is_authenticated:
        return None
    from hale.tenancy.access import staff_brands
    from hale.tenancy.models import Brand

    staff_of = list(
        staff_brands(user)
        .filter(require_mfa_for_staff=True, is_active=True)
        .order_by("name")
        .values_list("name", flat=True)
    )
    specialist = (
        Brand.objects.filter(require_mfa_for_specialists=True, is_active=True).exists()
        and user.is_approved_specialist()
    )
    if not staff_of and not specialist:
        return None
    return MfaRequirement(staff_of=staff_of, specialist=specialist)


def must_enrol(user, session_row=None) -> MfaRequirement | None:
    """The requirement ``user`` has not met yet (no authenticator app or security key).

    ``session_row``: the request's ``UserSession`` as ``sessions.session_row`` loads it, which
    already knows whether any brand has a rule and whether the user has a second factor."""
    if user is None or not user.is_authenticated:
        return None
    if session_row is not None and hasattr(session_row, "any_brand_requires_mfa"):
        if not session_row.any_brand_requires_mfa or session_row.has_second_factor:
            return None
    elif has_second_factor(user):
        return None
    return mfa_requirement(user)


def _allowed(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None:
        return True
    name = match.url_name or ""
    return not match.namespace and (name in ALLOWED_NAMES or name.startswith(ALLOWED_PREFIXES))


class MfaRequiredMiddleware:
    """Sends people who must use two-factor authentication, but have not set it up, to the
    two-factor page (platform host only). Costs no query of its own: the session's row
    (loaded by ``SessionSecurityMiddleware``, which must come first) says whether any brand
    has a rule and whether the user has a second factor; the rules are read only when some
    brand has one and the user has no second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if getattr(request, "portal", None) != PLATFORM or not user or not user.is_authenticated:
            return None
        row = getattr(request, "user_session", None)
        if _allowed(request) or must_enrol(user, row) is None:
            return None
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse(
                {"detail": _("Set up two-factor authentication to continue.")}, status=403
            )
        response: HttpResponse | HttpResponseRedirect = redirect("mfa_index")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect("mfa_index").url
        return response
