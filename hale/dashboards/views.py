"""The home page of each portal: what to do next, drawn from every app below."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hale.accounts.access import request_patient
from hale.consents.access import pending_count as pending_consent_count
from hale.core.http import BrandRequest
from hale.helpcenter.access import featured_articles
from hale.intake.access import pending_count as pending_form_count
from hale.scheduling.models import Appointment
from hale.tenancy.access import staff_brands
from hale.video import access as video_access


def patient_home(request: BrandRequest) -> HttpResponse:
    """The brand's front page; signed-in patients see their dashboard."""
    return render(
        request,
        "patient/home.html",
        {
            "articles": featured_articles(request.brand),
            "consents_pending": pending_consent_count(request_patient(request)),
            "forms_pending": pending_form_count(request_patient(request)),
            "video_open": _open_sessions_of_patient(request),
        },
    )


def _open_sessions_of_patient(request) -> list:
    patient = request_patient(request)
    if patient is None or video_access.FEATURE not in (request.brand.features or []):
        return []
    return video_access.open_now(Appointment.objects.filter(patient=patient))


def platform_home(request: HttpRequest) -> HttpResponse:
    """The platform host: a front door to the specialist portal and the staff back office."""
    context = {}
    if request.user.is_authenticated:
        context["staff_brands"] = staff_brands(request.user)
        context["video_open"] = video_access.open_now(
            Appointment.objects.filter(specialist__user=request.user, specialist__status="approved")
        )
    return render(request, "specialist/home.html", context)


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    brands = staff_brands(request.user).prefetch_related("domains")
    return render(request, "staff/home.html", {"brands": brands})
