"""The home page of each portal: what to do next, drawn from every app below."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from hale.accounts.access import request_patient
from hale.accounts.pagecache import cacheable
from hale.core.http import BrandRequest
from hale.dashboards.patient import patient_dashboard
from hale.dashboards.specialist import label_care, patient_list, specialist_dashboard
from hale.helpcenter.access import featured_articles
from hale.scheduling.models import Appointment
from hale.scheduling.views.common import practice_specialist
from hale.specialists.models import Specialist
from hale.tenancy.access import staff_brands
from hale.video import access as video_access


@cacheable
def patient_home(request: BrandRequest) -> HttpResponse:
    """The brand's front page; signed-in patients see their dashboard."""
    patient = request_patient(request)
    now = timezone.now()
    board = (
        patient_dashboard(patient, request.brand, now, user=request.user)
        if patient is not None
        else None
    )
    response = render(
        request,
        "patient/home.html",
        {"articles": featured_articles(request.brand), "board": board, "now": now},
    )
    if board is not None:
        response["Cache-Control"] = "no-store"
    return response


@cacheable
def platform_home(request: HttpRequest) -> HttpResponse:
    """The platform host: a front door to the specialist portal and the staff back office."""
    context: dict = {}
    if request.user.is_authenticated:
        context["staff_brands"] = staff_brands(request.user)
        specialist = Specialist.objects.filter(user=request.user).first()
        context["specialist"] = specialist
        if specialist is not None and specialist.status == Specialist.Status.APPROVED:
            board = specialist_dashboard(specialist)
            context["board"] = board
            context["stats"] = {"daily": board.daily.as_json(), "monthly": board.monthly.as_json()}
            context["stats_tables"] = [("daily", board.daily), ("monthly", board.monthly)]
            context["chart_labels"] = {
                "delivered": gettext("Sessions delivered"),
                "cancelled": gettext("Cancellations"),
                "no_shows": gettext("No-shows"),
                "revenue": gettext("Net revenue"),
            }
            context["video_open"] = video_access.open_now(
                Appointment.objects.filter(specialist=specialist)
            )
    response = render(request, "specialist/home.html", context)
    if request.user.is_authenticated:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    brands = staff_brands(request.user).prefetch_related("domains")
    return render(request, "staff/home.html", {"brands": brands})


PATIENTS_PER_PAGE = 25


@login_required
@require_safe
def practice_patients(request: HttpRequest) -> HttpResponse:
    """The specialist's patients on every brand: care status and source, next and last
    session, a search by name or email and a status filter; message, propose a time or add
    a note from each row."""
    specialist = practice_specialist(request)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "active")
    if status not in ("active", "ended", "all"):
        status = "active"
    patients, counts = patient_list(specialist, query=query, status=status)
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = label_care(list(page.object_list))
    response = render(
        request,
        "dashboards/practice_patients.html",
        {"page": page, "query": query, "status": status, "counts": counts},
    )
    response["Cache-Control"] = "no-store"
    return response
