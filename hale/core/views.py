"""Portal home pages and cross-cutting views (language, time zone)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from hale.accounts.actions import update_preferences
from hale.helpcenter.access import featured_articles
from hale.tenancy.access import staff_brands


def patient_home(request: HttpRequest) -> HttpResponse:
    """The brand's front page; signed-in patients see their dashboard."""
    return render(
        request,
        "patient/home.html",
        {
            "articles": featured_articles(request.brand),
        },
    )


def platform_home(request: HttpRequest) -> HttpResponse:
    """The platform host: a front door to the specialist portal and the staff back office."""
    context = {}
    if request.user.is_authenticated:
        context["staff_brands"] = staff_brands(request.user)
    return render(request, "specialist/home.html", context)


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    brands = staff_brands(request.user).prefetch_related("domains")
    return render(request, "staff/home.html", {"brands": brands})


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        nxt, {request.get_host()}, require_https=request.is_secure()
    ):
        nxt = "/"
    return nxt


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: stored on the account when signed in, and in a cookie."""
    response = HttpResponseRedirect(_safe_next(request))
    code = request.POST.get("language", "")
    if code and check_for_language(code) and code in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            update_preferences(user=request.user, language=code)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response
