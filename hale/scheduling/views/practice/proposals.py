"""Times a specialist proposes to a patient: new proposals, the list of them, and changing
one still waiting for the patient."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hale.scheduling import access, actions
from hale.scheduling.forms import ChangeProposalForm, ProposeForm, posted_version
from hale.scheduling.models import Appointment, specialist_zone
from hale.scheduling.views.common import practice_specialist


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    specialist = practice_specialist(request)
    patients = list(access.proposable_patients(specialist))
    session_types = list(access.session_types_for(specialist, active_only=True))
    form = ProposeForm(
        request.POST or None,
        patients=patients,
        session_types=session_types,
        zone=specialist_zone(specialist),
        initial=proposal_defaults(specialist, patient=request.GET.get("patient")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = next(p for p in patients if str(p.uuid) == data["patient"])
        session_type = next(s for s in session_types if str(s.uuid) == data["session_type"])
        try:
            appointment = actions.propose_appointment(
                specialist=specialist,
                patient=patient,
                session_type=session_type,
                start=form.start(),
                expires_in_hours=data["expires_in_hours"],
                acting_user=request.user,
                notes=data["notes"],
            )
        except actions.SchedulingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Proposal sent."))
            return redirect("schedule_appointment", appointment.uuid)
    return render(
        request,
        "scheduling/practice/propose.html",
        {
            "form": form,
            "has_patients": bool(patients),
            "has_types": bool(session_types),
            "zone": specialist_zone(specialist),
        },
        status=400 if form.errors else 200,
    )


def proposal_defaults(specialist, *, patient=None) -> dict:
    """Initial values of a new proposal from the specialist's preferences."""
    prefs = access.schedule_preferences(specialist)
    initial: dict[str, object] = {"expires_in_hours": prefs.proposal_expiry_hours}
    if prefs.default_session_type is not None and prefs.default_session_type.is_active:
        initial["session_type"] = str(prefs.default_session_type.uuid)
    if patient:
        initial["patient"] = patient
    return initial


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    """Proposals awaiting an answer, and the latest answered ones."""
    specialist = practice_specialist(request)
    now = timezone.now()
    rows = list(
        access.specialist_appointments(specialist)
        .filter(
            status__in=[
                Appointment.Status.PROPOSED,
                Appointment.Status.EXPIRED,
                Appointment.Status.DECLINED,
            ]
        )
        .order_by("-created_at")[:100]
    )
    pending = [a for a in rows if a.is_open_proposal]
    answered = [a for a in rows if not a.effective_status(now) == Appointment.Status.PROPOSED]
    return render(
        request,
        "scheduling/practice/proposals.html",
        {"pending": pending, "answered": answered},
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Change the time, type or answer-by time of a proposal still waiting for the patient."""
    specialist = practice_specialist(request)
    item = access.access_specialist_appointment(specialist, appointment_id)
    if not item.is_open_proposal:
        messages.error(request, _("This proposal has already been answered, withdrawn or expired."))
        return redirect("schedule_appointment", item.uuid)
    zone = specialist_zone(specialist)
    session_types = list(access.session_types_for(specialist, active_only=True))
    local = item.start.astimezone(zone)
    expires_at = item.expires_at or timezone.now()
    remaining = max(1, round((expires_at - timezone.now()).total_seconds() / 3600))
    form = ChangeProposalForm(
        request.POST or None,
        session_types=session_types,
        zone=zone,
        initial={
            "session_type": str(item.session_type.uuid) if item.session_type else "",
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "expires_in_hours": remaining,
            "notes": item.clinic_notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session_type = next(s for s in session_types if str(s.uuid) == data["session_type"])
        try:
            actions.change_proposal(
                appointment=item,
                acting_user=request.user,
                start=form.start(),
                session_type=session_type,
                expires_in_hours=data["expires_in_hours"],
                notes=data["notes"],
                version=posted_version(request.POST),
            )
        except actions.AppointmentChanged as exc:
            messages.error(request, str(exc.message))
            return redirect("schedule_appointment", item.uuid)
        except actions.SchedulingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Proposal changed; the patient has been told."))
            return redirect("schedule_appointment", item.uuid)
    return render(
        request,
        "scheduling/practice/proposal_edit.html",
        {"form": form, "appointment": item, "zone": zone},
        status=400 if form.errors else 200,
    )
