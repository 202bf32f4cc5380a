"""Availability requests from patients, as their specialist answers them: propose times or
decline."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.scheduling import access, actions
from hale.scheduling.forms import ProposeForm, ReasonForm
from hale.scheduling.models import specialist_zone
from hale.scheduling.views.common import practice_specialist
from hale.scheduling.views.practice.proposals import proposal_defaults


@login_required
@require_GET
def requests_list(request: HttpRequest) -> HttpResponse:
    """Open availability requests (oldest first: they expire first) and recent closed ones."""
    specialist = practice_specialist(request)
    now = timezone.now()
    rows = access.specialist_requests(specialist)
    open_rows = list(rows.open(now).order_by("expires_at", "pk")[:200])
    closed = list(rows.exclude(pk__in=[r.pk for r in open_rows]).order_by("-created_at")[:50])
    return render(
        request,
        "scheduling/practice/requests.html",
        {"open_requests": open_rows, "closed_requests": closed},
    )


def _request_propose_form(specialist, item, data=None):
    session_types = list(access.session_types_for(specialist, active_only=True))
    initial = proposal_defaults(specialist, patient=str(item.patient.uuid))
    if item.session_type_id and item.session_type.is_active:
        initial["session_type"] = str(item.session_type.uuid)
    form = ProposeForm(
        data,
        patients=[item.patient],
        session_types=session_types,
        zone=specialist_zone(specialist),
        initial=initial,
    )
    form.fields["patient"].widget = forms.HiddenInput()
    return form, session_types


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """One request: what the patient asked, and forms to propose times or decline.
    POST proposes a time that answers the request (several may be sent one after another)."""
    specialist = practice_specialist(request)
    item = access.access_specialist_request(specialist, request_id)
    data = request.POST if request.method == "POST" else None
    form, session_types = _request_propose_form(specialist, item, data)
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        session_type = next(s for s in session_types if str(s.uuid) == cleaned["session_type"])
        try:
            actions.propose_appointment(
                specialist=specialist,
                patient=item.patient,
                session_type=session_type,
                start=form.start(),
                expires_in_hours=cleaned["expires_in_hours"],
                acting_user=request.user,
                notes=cleaned["notes"],
                availability_request=item,
            )
        except actions.SchedulingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Proposal sent; the request is answered."))
            return redirect("schedule_request", item.uuid)
    item.refresh_from_db()
    return render(
        request,
        "scheduling/practice/request_detail.html",
        {
            "item": item,
            "form": form,
            "has_types": bool(session_types),
            "decline_form": ReasonForm(),
            "proposals": list(item.proposals.order_by("start")),
            "zone": specialist_zone(specialist),
            "can_answer": item.effective_status() in ("open", "answered"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def request_decline(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    specialist = practice_specialist(request)
    item = access.access_specialist_request(specialist, request_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.SchedulingError(_("Please tell the patient why."))
        actions.decline_availability_request(
            request=item, acting_user=request.user, reason=form.cleaned_data["reason"]
        )
    except actions.SchedulingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Request declined; the patient has been told."))
    return redirect("schedule_request", item.uuid)
