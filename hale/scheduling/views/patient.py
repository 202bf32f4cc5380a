"""Patient pages on a brand host: appointments, booking, proposals, cancel and reschedule."""

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.accounts.pagecache import cacheable
from hale.core import audit
from hale.core.http import BrandRequest
from hale.notifications.email import absolute_url
from hale.scheduling import access, actions, hooks, ics
from hale.scheduling.forms import (
    AvailabilityRequestForm,
    OptionalReasonForm,
    ReasonForm,
    posted_version,
)
from hale.scheduling.models import Appointment, specialist_zone
from hale.scheduling.pricing import session_price
from hale.scheduling.slots import group_by_local_day, load_schedule, offered_slots
from hale.scheduling.views.common import appointment_sections, brand_only

DAYS_SHOWN = 14
LIST_STEP = 20  # appointments per screenful of the patient's lists
LIST_MAX = 500
REQUESTS_SHOWN = 20


# --- Appointments ------------------------------------------------------------------------------


@cacheable
@login_required
@require_GET
def appointment_list(request: BrandRequest) -> HttpResponse:
    """Upcoming (soonest first) and past (latest first) appointments, a screenful of each
    with "Show more" (``?upcoming=`` / ``?past=`` raise the count): three queries for rows
    however many a patient has."""
    brand_only(request)
    patient = access.patient_for(request.user, request.brand)
    now = timezone.now()
    rows = access.patient_appointments(patient)
    upcoming, more_upcoming = _first(rows.upcoming(now), _shown(request, "upcoming"))
    past, more_past = _first(rows.past(now), _shown(request, "past"))
    requests = list(access.patient_requests(patient).order_by("-created_at")[:REQUESTS_SHOWN])
    return render(
        request,
        "scheduling/patient/appointment_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "more_upcoming": more_upcoming,
            "more_past": more_past,
            "now": now,
            "requests": requests,
            "tab": "past" if request.GET.get("tab") == "past" else "upcoming",
        },
    )


def _shown(request: HttpRequest, name: str) -> int:
    """How many rows of a list to show: ``LIST_STEP`` more per "Show more", at most
    ``LIST_MAX``; anything else in the URL counts as the first screenful."""
    try:
        wanted = int(request.GET.get(name, LIST_STEP))
    except ValueError:
        wanted = LIST_STEP
    return min(max(wanted, LIST_STEP), LIST_MAX)


def _first(qs, count: int) -> tuple[list, int | None]:
    """The first ``count`` rows and, when there are more, the count "Show more" asks for."""
    rows = list(qs[: count + 1])
    if len(rows) > count and count < LIST_MAX:
        return rows[:count], min(count + LIST_STEP, LIST_MAX)
    return rows[:count], None


@login_required
@require_GET
def appointment_detail(request: BrandRequest, appointment_id: uuid.UUID) -> HttpResponse:
    brand_only(request)
    appointment = access.access_patient_appointment(request.user, request.brand, appointment_id)
    record_view(request.user, appointment)
    now = timezone.now()
    return render(
        request,
        "scheduling/patient/appointment_detail.html",
        _detail_context(
            appointment,
            now,
            appointment_sections=appointment_sections(request, appointment),
        ),
    )


def _detail_context(appointment: Appointment, now, **extra) -> dict:
    booked_future = appointment.is_booked and appointment.start > now
    return {
        "appointment": appointment,
        "can_cancel": booked_future,
        "late": booked_future and actions.cancellation_is_late(appointment, now),
        "can_reschedule": booked_future and actions.can_reschedule(appointment, now),
        "policy_message": actions.policy_message(appointment.brand),
        "notice_hours": access.cancellation_notice_hours(appointment.brand),
        # E.g. payments: the refund this cancellation gives, told before confirming.
        "cancellation_terms": hooks.cancellation_terms.first(
            appointment=appointment, user=appointment.patient.user
        )
        if booked_future
        else None,
        "cancel_form": extra.pop("cancel_form", None) or ReasonForm(),
        "decline_form": OptionalReasonForm(),
        **extra,
    }


@login_required
@require_POST
def appointment_cancel(request: BrandRequest, appointment_id: uuid.UUID) -> HttpResponse:
    brand_only(request)
    appointment = access.access_patient_appointment(request.user, request.brand, appointment_id)
    form = ReasonForm(request.POST)
    error = None
    if form.is_valid():
        try:
            appointment = actions.cancel_appointment(
                appointment=appointment,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                version=posted_version(request.POST),
            )
        except actions.SchedulingError as exc:
            error = str(exc.message)
        else:
            if appointment.cancelled_late:
                messages.warning(
                    request, _("Your session is cancelled. It was recorded as a late cancellation.")
                )
            else:
                messages.success(request, _("Your session is cancelled."))
            return redirect("appointment_detail", appointment.uuid)
    context = _detail_context(appointment, timezone.now(), cancel_form=form, error=error)
    return render(request, "scheduling/patient/appointment_detail.html", context, status=400)


@login_required
@require_POST
def proposal_answer(request: BrandRequest, appointment_id: uuid.UUID, answer: str) -> HttpResponse:
    """Accept or decline a proposal with one click."""
    brand_only(request)
    appointment = access.access_patient_appointment(request.user, request.brand, appointment_id)
    version = posted_version(request.POST)
    try:
        if answer == "accept":
            actions.accept_proposal(
                appointment=appointment, acting_user=request.user, version=version
            )
            messages.success(request, _("Accepted: your session is confirmed."))
        elif answer == "decline":
            form = OptionalReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            actions.decline_proposal(
                appointment=appointment, acting_user=request.user, reason=reason, version=version
            )
            messages.success(request, _("You declined the proposal."))
        else:
            raise Http404
    except actions.SchedulingError as exc:
        messages.error(request, str(exc.message))
    return redirect("appointment_detail", appointment.uuid)


@login_required
@require_GET
def appointment_ics(request: BrandRequest, appointment_id: uuid.UUID) -> HttpResponse:
    brand_only(request)
    appointment = access.access_patient_appointment(request.user, request.brand, appointment_id)
    url = absolute_url(reverse("appointment_detail", args=[appointment.uuid]), request.brand)
    body = ics.appointment_calendar(appointment, for_patient=True, url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.uuid}.ics"'
    return response


# --- Booking -----------------------------------------------------------------------------------


def _patient_and_specialist(request: BrandRequest, specialist_id: uuid.UUID):
    """The signed-in patient of the brand host and a specialist they may book (404 on the
    platform host and for a specialist the brand does not offer)."""
    brand_only(request)
    patient = access.patient_for(request.user, request.brand)
    return patient, access.access_bookable_specialist(request.brand, specialist_id)


def _window(request: HttpRequest, now: dt.datetime) -> tuple[dt.datetime, dt.date]:
    """The first day shown (``?from=YYYY-MM-DD`` in the viewer's zone, not before today)."""
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = today
    first = max(first, today)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    return start, first


def _slot_pages(request, specialist, session_type, now):
    start, first = _window(request, now)
    end = start + dt.timedelta(days=DAYS_SHOWN)
    slots = offered_slots(specialist, session_type, window_start=start, window_end=end, now=now)
    days = group_by_local_day(slots, timezone.get_current_timezone())
    return days, first


@login_required
@require_GET
def book_specialist(request: BrandRequest, specialist_id: uuid.UUID) -> HttpResponse:
    """Offered slots of one specialist for a chosen session type, by day, in the viewer's
    zone; each slot links to the confirmation page."""
    patient, specialist = _patient_and_specialist(request, specialist_id)
    session_types = list(access.session_types_for(specialist, active_only=True))
    refusal = hooks.booking_refusal.first(
        brand=request.brand, patient=patient, specialist=specialist
    )
    chosen = None
    wanted = request.GET.get("type")
    if wanted:
        chosen = next((s for s in session_types if str(s.uuid) == wanted), None)
    if chosen is None and session_types:
        chosen = session_types[0]
    now = timezone.now()
    requirement = None
    if chosen is not None and not refusal:
        requirement = hooks.booking_requirement.first(
            brand=request.brand, patient=patient, specialist=specialist, session_type=chosen
        )
    days, first = ([], None)
    if chosen is not None and not refusal and not requirement:
        days, first = _slot_pages(request, specialist, chosen, now)
    prices = {s.pk: session_price(s, request.brand) for s in session_types}
    return render(
        request,
        "scheduling/patient/book.html",
        {
            "specialist": specialist,
            "session_types": [(s, prices[s.pk]) for s in session_types],
            "chosen": chosen,
            "days": days,
            "first": first,
            "next_from": (first + dt.timedelta(days=DAYS_SHOWN)).isoformat() if first else "",
            "previous_from": (first - dt.timedelta(days=DAYS_SHOWN)).isoformat() if first else "",
            "show_previous": first is not None
            and first > now.astimezone(timezone.get_current_timezone()).date(),
            "specialist_zone": specialist_zone(specialist),
            "booking_refusal": refusal,
            "booking_requirement": requirement,
            "requirement_url": _requirement_url(requirement, request.get_full_path()),
        },
    )


def _requirement_url(requirement, back: str) -> str:
    """Where the patient puts a booking requirement right, coming back to ``back``."""
    if not requirement or not requirement.url:
        return ""
    return f"{requirement.url}?{urlencode({'next': back})}"


def _parse_start(value: str) -> dt.datetime | None:
    moment = parse_datetime(value or "")
    if moment is None or timezone.is_naive(moment):
        return None
    return moment.astimezone(dt.UTC)


@login_required
@require_http_methods(["GET", "POST"])
def book_confirm(request: BrandRequest, specialist_id: uuid.UUID) -> HttpResponse:
    """Review the chosen slot (GET), then book it (POST)."""
    patient, specialist = _patient_and_specialist(request, specialist_id)
    params = request.POST if request.method == "POST" else request.GET
    try:
        session_type = access.access_session_type(
            specialist, uuid.UUID(params.get("type", "")), active_only=True
        )
    except ValueError:
        raise Http404 from None
    start = _parse_start(params.get("start", ""))
    if start is None:
        raise Http404
    back = f"{reverse('book_specialist', args=[specialist.uuid])}?type={session_type.uuid}"
    error = None
    refusal = hooks.booking_refusal.first(
        brand=request.brand, patient=patient, specialist=specialist
    )
    if refusal:
        # E.g. browse brands: after the first booking the specialist proposes times. A time
        # that is gone anyway gets the usual message.
        still_offered = actions.is_offered(specialist, session_type, start, now=timezone.now())
        error = refusal if still_offered else str(actions.SlotTaken().message)
    requirement = None
    if error is None:
        requirement = hooks.booking_requirement.first(
            brand=request.brand, patient=patient, specialist=specialist, session_type=session_type
        )
        if requirement:
            error = str(requirement.message)
    if request.method == "POST" and error is None:
        try:
            appointment = actions.book_appointment(
                patient=patient,
                specialist=specialist,
                session_type=session_type,
                start=start,
                acting_user=request.user,
            )
        except actions.SchedulingError as exc:
            error = str(exc.message)
        else:
            pay_at = hooks.payment_url.first(appointment=appointment)
            if appointment.status == Appointment.Status.PENDING_PAYMENT and pay_at:
                # Held for a few minutes while the patient pays.
                return redirect(pay_at)
            messages.success(request, _("Your session is booked."))
            return redirect("appointment_detail", appointment.uuid)
    return render(
        request,
        "scheduling/patient/book_confirm.html",
        {
            "specialist": specialist,
            "session_type": session_type,
            "price": session_price(session_type, request.brand),
            "start": start,
            "end": start + dt.timedelta(minutes=session_type.duration_minutes),
            "start_value": start.isoformat(),
            "back": back,
            "error": error,
            "booking_refusal": refusal if refusal and error == refusal else None,
            "booking_requirement": requirement,
            "requirement_url": _requirement_url(
                requirement,
                f"{reverse('book_confirm', args=[specialist.uuid])}?"
                + urlencode({"type": str(session_type.uuid), "start": start.isoformat()}),
            ),
        },
        status=409 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_reschedule(request: BrandRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Pick a new time for a booking (within the brand's policy), then confirm it."""
    brand_only(request)
    appointment = access.access_patient_appointment(request.user, request.brand, appointment_id)
    now = timezone.now()
    if not (appointment.is_booked and appointment.start > now):
        raise Http404
    blocked = not actions.can_reschedule(appointment, now)
    error = None
    if request.method == "POST" and not blocked:
        start = _parse_start(request.POST.get("start", ""))
        if start is None:
            error = _("Choose a new time.")
        else:
            try:
                actions.reschedule_appointment(
                    appointment=appointment,
                    new_start=start,
                    acting_user=request.user,
                    version=posted_version(request.POST),
                )
            except actions.SchedulingError as exc:
                error = str(exc.message)
            else:
                messages.success(request, _("Your session has moved."))
                return redirect("appointment_detail", appointment.uuid)
    days, first = [], None
    session_type = appointment.session_type
    if not blocked and session_type is not None and session_type.is_active:
        start, first = _window(request, now)
        end = start + dt.timedelta(days=DAYS_SHOWN)
        schedule = load_schedule(
            appointment.specialist, start, end, now=now, exclude_appointment_id=appointment.pk
        )
        slots = offered_slots(
            appointment.specialist,
            session_type,
            window_start=start,
            window_end=end,
            now=now,
            schedule=schedule,
        )
        days = group_by_local_day(
            [s for s in slots if s.start != appointment.start], timezone.get_current_timezone()
        )
    return render(
        request,
        "scheduling/patient/reschedule.html",
        {
            "appointment": appointment,
            "blocked": blocked,
            "policy_message": actions.policy_message(appointment.brand),
            "days": days,
            "first": first,
            "next_from": (first + dt.timedelta(days=DAYS_SHOWN)).isoformat() if first else "",
            "error": error,
        },
        status=409 if error else 200,
    )


def record_view(user, appointment) -> None:
    """Reading an appointment is reading health data: the audit trail records it."""
    audit.record(user, "scheduling.appointment_viewed", appointment, brand=appointment.brand)


# --- Availability requests ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_availability(request: BrandRequest, specialist_id: uuid.UUID) -> HttpResponse:
    """Ask a specialist for times when none offered suit (or they lead scheduling)."""
    patient, specialist = _patient_and_specialist(request, specialist_id)
    session_types = list(access.session_types_for(specialist, active_only=True))
    form = AvailabilityRequestForm(
        request.POST or None,
        session_types=session_types,
        initial={"session_type": request.GET.get("type", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.request_availability(
                patient=patient,
                specialist=specialist,
                acting_user=request.user,
                windows=form.windows,
                time_zone=str(request.time_zone),
                preferred_times=form.cleaned_data["preferred_times"],
                message=form.cleaned_data["message"],
                session_type=form.chosen_session_type(),
            )
        except actions.SchedulingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your request is sent. We will tell you when it is answered.")
            )
            return redirect("availability_request_detail", item.uuid)
    return render(
        request,
        "scheduling/patient/request_availability.html",
        {
            "specialist": specialist,
            "form": form,
            "response_hours": access.request_response_hours(request.brand),
            "zone_name": str(request.time_zone),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def availability_request_detail(request: BrandRequest, request_id: uuid.UUID) -> HttpResponse:
    brand_only(request)
    item = access.access_patient_request(request.user, request.brand, request_id)
    proposals = list(
        access.patient_appointments(item.patient)
        .filter(availability_request=item)
        .order_by("start")
    )
    return render(
        request,
        "scheduling/patient/request_detail.html",
        {"item": item, "proposals": proposals},
    )
