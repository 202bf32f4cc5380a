"""The home page of each portal: what to do next, drawn from every app below."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hale.accounts.access import request_patient
from hale.consents.access import pending_count as pending_consent_count
from hale.core.http import BrandRequest
from hale.helpcenter.access import featured_articles
from hale.intake.access import pending_count as pending_form_count
from hale.tenancy.access import staff_brands


def patient_home(request: BrandRequest) -> HttpResponse:
    """The brand's front page; signed-in patients see their dashboard."""
    return render(
        request,
        "patient/home.html",
        {
            "articles": featured_articles(request.brand),
            "consents_pending": pending_consent_count(request_patient(request)),
            "forms_pending": pending_form_count(request_patient(request)),
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
