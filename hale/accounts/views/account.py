"""My Account, on every host (/account/): profile, language and time zone, active sessions,
and the session keep-alive used by the idle-timeout warning. Email addresses, password and
two-factor authentication are allauth's own pages, shown in the same layout."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.accounts import sessions
from hale.accounts.access import patient_record
from hale.accounts.actions import update_preferences
from hale.accounts.actions_account import update_profile
from hale.accounts.forms_account import PreferencesForm, ProfileForm
from hale.accounts.mfa_policy import mfa_requirement
from hale.accounts.models import Patient
from hale.accounts.session_security import remaining_seconds
from hale.core.http import SignedInRequest, safe_next


def _own_patient(request: SignedInRequest) -> Patient | None:
    brand = getattr(request, "brand", None)
    if brand is None:
        return None
    return patient_record(request.user, brand, include_disabled=True)


@login_required
@require_GET
def account_overview(request: SignedInRequest) -> HttpResponse:
    user = request.user
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=user)}
    context = {
        "patient": _own_patient(request),
        "emails": list(EmailAddress.objects.filter(user=user).order_by("-primary", "email")),
        "has_totp": Authenticator.Type.TOTP in authenticators,
        "has_webauthn": Authenticator.Type.WEBAUTHN in authenticators,
        "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in authenticators,
        "mfa_requirement": mfa_requirement(user),
        "session_count": len(sessions.sessions_for(user)),
        # Calendar defaults live in the practice UI, which is served on the platform host.
        "is_scheduling_specialist": request.brand is None and user.is_approved_specialist(),
    }
    return render(request, "accounts/account/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_profile(request: SignedInRequest) -> HttpResponse:
    patient = _own_patient(request)
    initial = {"full_name": request.user.full_name, "phone": patient.phone if patient else ""}
    form = ProfileForm(request.POST or None, initial=initial, with_phone=patient is not None)
    if request.method == "POST" and form.is_valid():
        update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            brand=patient.brand if patient else None,
            phone=form.cleaned_data.get("phone") if patient else None,
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("account_overview")
    return render(request, "accounts/account/profile.html", {"form": form, "patient": patient})


@login_required
@require_http_methods(["GET", "POST"])
def account_preferences(request: SignedInRequest) -> HttpResponse:
    user = request.user
    initial = {"language": user.language, "time_zone": user.time_zone}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update_preferences(
            user=user,
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, _("Your language and time zone were saved."))
        return redirect("account_overview")
    return render(request, "accounts/account/preferences.html", {"form": form})


@login_required
@require_GET
def account_sessions(request: SignedInRequest) -> HttpResponse:
    current = sessions.current_session_id(request)
    rows = [
        {
            "session": row,
            "device": sessions.describe_user_agent(row.user_agent),
            "is_current": row.uuid == current,
        }
        for row in sessions.sessions_for(request.user)
    ]
    rows.sort(key=lambda r: not r["is_current"])  # this device first
    others = sum(1 for r in rows if not r["is_current"])
    return render(request, "accounts/account/sessions.html", {"rows": rows, "others": others})


@login_required
@require_POST
def account_sessions_end_others(request: SignedInRequest) -> HttpResponse:
    ended = sessions.end_other_sessions(
        user=request.user, acting_user=request.user, request=request, reason="user_request"
    )
    if ended:
        messages.success(request, _("You were signed out everywhere else."))
    else:
        messages.info(request, _("You were not signed in anywhere else."))
    return redirect("account_sessions")


def _status(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"signed_in": True, "remaining": remaining_seconds(request.session)})


@never_cache
@require_GET
def account_session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before this session ends by itself. Polling it is not activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return _status(request)


@never_cache
@require_POST
def account_session_keepalive(request: HttpRequest) -> JsonResponse:
    """The "Stay signed in" button: counts as activity, so the idle clock restarts."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    row = getattr(request, "user_session", None)
    if row is not None:
        sessions.record_activity(request=request, row=row, force=True)
    return _status(request)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: stored on the account when signed in, and in a cookie. Goes back to
    the page the switcher was on (its ``next``, else the Referer's path on this host)."""
    referer = urlsplit(request.headers.get("referer", ""))
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    response = HttpResponseRedirect(
        safe_next(request, request.POST.get("next")) or safe_next(request, back, "/")
    )
    code = request.POST.get("language", "")
    if code and check_for_language(code) and code in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            update_preferences(user=request.user, language=code)
        set_language_cookie(response, code)
    return response


def set_language_cookie(response: HttpResponseBase, language: str) -> None:
    """Django's language cookie, so the choice holds after signing out (the switcher and the
    onboarding language step both set it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
