"""One appointment as its specialist sees it, and what they may do with it: withdraw a
proposal, cancel, keep notes, record the outcome."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hale.scheduling import access, actions
from hale.scheduling.forms import NotesForm, OptionalReasonForm, ReasonForm, posted_version
from hale.scheduling.models import Appointment
from hale.scheduling.views.common import appointment_sections, practice_specialist


@login_required
@require_GET
def appointment(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    specialist = practice_specialist(request)
    item = access.access_specialist_appointment(specialist, appointment_id)
    now = timezone.now()
    return render(
        request,
        "scheduling/practice/appointment.html",
        {
            "appointment": item,
            "events": item.events.select_related("actor"),
            "cancel_form": ReasonForm(),
            "withdraw_form": OptionalReasonForm(),
            "notes_form": NotesForm(initial={"notes": item.clinic_notes}),
            "can_change": item.effective_status(now) == Appointment.Status.PROPOSED,
            "can_cancel": item.is_booked and item.start > now,
            "can_mark": item.is_booked and item.start <= now,
            "appointment_sections": appointment_sections(request, item),
        },
    )


@login_required
@require_POST
def appointment_action(request: HttpRequest, appointment_id: uuid.UUID, what: str) -> HttpResponse:
    specialist = practice_specialist(request)
    item = access.access_specialist_appointment(specialist, appointment_id)
    version = posted_version(request.POST)
    form: forms.Form
    try:
        if what == "withdraw":
            form = OptionalReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            actions.withdraw_proposal(
                appointment=item, acting_user=request.user, reason=reason, version=version
            )
            messages.success(request, _("Proposal withdrawn."))
        elif what == "cancel":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise actions.SchedulingError(_("Please tell the patient why you are cancelling."))
            actions.cancel_appointment(
                appointment=item,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                version=version,
            )
            messages.success(request, _("Session cancelled; the patient has been told."))
        elif what == "notes":
            form = NotesForm(request.POST)
            if not form.is_valid():
                raise actions.SchedulingError(_("Please keep notes under 2,000 characters."))
            actions.set_clinic_notes(
                appointment=item, acting_user=request.user, notes=form.cleaned_data["notes"]
            )
            messages.success(request, _("Notes saved."))
        elif what in (Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW):
            actions.record_outcome(
                appointment=item, acting_user=request.user, outcome=what, version=version
            )
            messages.success(request, _("Saved."))
        else:
            raise Http404
    except actions.SchedulingError as exc:
        messages.error(request, str(exc.message))
    return redirect("schedule_appointment", item.uuid)
