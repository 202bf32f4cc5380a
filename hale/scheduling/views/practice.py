"""Specialist pages on the platform host under /practice/schedule/: calendar, session types,
availability, proposals and appointments."""

import datetime as dt
import uuid
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.scheduling import access, actions
from hale.scheduling.forms import (
    BreakForm,
    ChangeProposalForm,
    DateOverrideForm,
    NotesForm,
    OneOffSlotForm,
    OptionalReasonForm,
    ProposeForm,
    ReasonForm,
    SessionTypeForm,
    WeeklyRuleForm,
    posted_version,
)
from hale.scheduling.models import (
    Appointment,
    Break,
    DateOverride,
    OneOffSlot,
    WeeklyRule,
    specialist_zone,
)
from hale.scheduling.slots import availability, load_schedule

VIEWS = ("day", "week", "month")
DAY_START_HOUR, DAY_END_HOUR = 7, 21


def _platform_only(request: HttpRequest) -> None:
    if getattr(request, "brand", None) is not None:
        raise Http404


def _specialist(request: HttpRequest):
    _platform_only(request)
    return access.own_specialist(request.user)


# --- Calendar ----------------------------------------------------------------------------------


def _range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """First and last local date shown."""
    if view == "day":
        return anchor, anchor
    if view == "week":
        first = anchor - dt.timedelta(days=anchor.weekday())
        return first, first + dt.timedelta(days=6)
    first = anchor.replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    # Whole weeks, Monday first.
    start = first - dt.timedelta(days=first.weekday())
    last = next_month - dt.timedelta(days=1)
    end = last + dt.timedelta(days=6 - last.weekday())
    return start, end


def _step(view: str, anchor: dt.date, direction: int) -> dt.date:
    if view == "day":
        return anchor + dt.timedelta(days=direction)
    if view == "week":
        return anchor + dt.timedelta(days=7 * direction)
    month = anchor.month - 1 + direction
    return dt.date(anchor.year + month // 12, month % 12 + 1, 1)


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Day, week or month of appointments and open hours, in the viewer's zone.

    Two queries for appointments and six for availability, whatever the range holds.
    """
    specialist = _specialist(request)
    zone = timezone.get_current_timezone()
    now = timezone.now()
    default_view = access.schedule_preferences(specialist).calendar_view
    view = request.GET.get("view", default_view)
    if view not in VIEWS:
        view = default_view
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = now.astimezone(zone).date()
    first, last = _range(view, anchor)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone).astimezone(
        dt.UTC
    )
    appointments = list(
        access.specialist_appointments(specialist)
        .overlapping(start, end)
        .exclude(status__in=[Appointment.Status.DECLINED])
        .order_by("start")
    )
    schedule = load_schedule(specialist, start, end, now=now)
    open_time = availability(schedule, start, end)

    days = []
    day = first
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=1)
    by_day: dict[dt.date, list] = defaultdict(list)
    for appointment in appointments:
        by_day[appointment.start.astimezone(zone).date()].append(appointment)

    def is_open(a: dt.datetime, b: dt.datetime) -> bool:
        return any(s < b and a < e for s, e in open_time)

    context = {
        "view": view,
        "anchor": anchor,
        "first": first,
        "last": last,
        "previous": _step(view, anchor, -1).isoformat(),
        "next": _step(view, anchor, 1).isoformat(),
        "today": now.astimezone(zone).date().isoformat(),
        "views": [(v, {"day": _("Day"), "week": _("Week"), "month": _("Month")}[v]) for v in VIEWS],
        "specialist": specialist,
    }
    if view == "month":
        weeks = []
        for i in range(0, len(days), 7):
            week = []
            for d in days[i : i + 7]:
                d_start = dt.datetime.combine(d, dt.time(0), tzinfo=zone)
                d_end = d_start + dt.timedelta(days=1)
                week.append(
                    {
                        "date": d,
                        "in_month": d.month == anchor.month,
                        "appointments": by_day.get(d, []),
                        "open": is_open(d_start, d_end),
                    }
                )
            weeks.append(week)
        context["weeks"] = weeks
        context["weekday_names"] = [d for d in days[:7]]
    else:
        hours = set(range(DAY_START_HOUR, DAY_END_HOUR))
        for appointment in appointments:
            hours.add(appointment.start.astimezone(zone).hour)
        for s, e in open_time:
            local_s, local_e = s.astimezone(zone), (e - dt.timedelta(seconds=1)).astimezone(zone)
            if local_s.date() == local_e.date():
                hours.update(range(local_s.hour, local_e.hour + 1))
        rows = []
        for hour in sorted(hours):
            cells = []
            for d in days:
                cell_start = dt.datetime.combine(d, dt.time(hour), tzinfo=zone)
                cell_end = cell_start + dt.timedelta(hours=1)
                cells.append(
                    {
                        "date": d,
                        "open": is_open(cell_start.astimezone(dt.UTC), cell_end.astimezone(dt.UTC)),
                        "appointments": [
                            a for a in by_day.get(d, []) if a.start.astimezone(zone).hour == hour
                        ],
                    }
                )
            rows.append({"hour": dt.time(hour), "cells": cells})
        context["rows"] = rows
        context["days"] = days
    return render(request, "scheduling/practice/calendar.html", context)


# --- Session types -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_types(request: HttpRequest) -> HttpResponse:
    specialist = _specialist(request)
    form = SessionTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_session_type(
                specialist=specialist, acting_user=request.user, values=form.values()
            )
        except actions.SchedulingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Session type added."))
            return redirect("schedule_session_types")
    return render(
        request,
        "scheduling/practice/session_types.html",
        {"form": form, "session_types": access.session_types_for(specialist)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_type_edit(request: HttpRequest, session_type_id: uuid.UUID) -> HttpResponse:
    specialist = _specialist(request)
    session_type = access.access_session_type(specialist, session_type_id)
    form = SessionTypeForm(request.POST or None, instance=session_type)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_session_type(
                specialist=specialist,
                acting_user=request.user,
                values=form.values(),
                session_type=access.access_session_type(specialist, session_type_id),
            )
        except actions.SchedulingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Session type saved."))
            return redirect("schedule_session_types")
    return render(
        request,
        "scheduling/practice/session_type_edit.html",
        {"form": form, "session_type": session_type},
        status=400 if form.errors else 200,
    )


# --- Availability ------------------------------------------------------------------------------

AVAILABILITY_FORMS = {
    "weekly": WeeklyRuleForm,
    "override": DateOverrideForm,
    "break": BreakForm,
    "oneoff": OneOffSlotForm,
}


def _availability_forms(specialist, bound_kind=None, data=None) -> dict:
    zone = specialist_zone(specialist)
    forms = {}
    for kind, form_class in AVAILABILITY_FORMS.items():
        kwargs: dict[str, object] = {"prefix": kind}
        if form_class is OneOffSlotForm:
            kwargs["zone"] = zone
        forms[kind] = form_class(data if kind == bound_kind else None, **kwargs)
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def availability_page(request: HttpRequest) -> HttpResponse:
    """Weekly hours, date overrides, breaks and one-off availability on one page; each
    section has its own add form (``kind`` says which was posted)."""
    specialist = _specialist(request)
    kind = request.POST.get("kind") if request.method == "POST" else None
    if kind is not None and kind not in AVAILABILITY_FORMS:
        raise Http404
    forms = _availability_forms(specialist, kind, request.POST if kind else None)
    if kind is not None:
        form = forms[kind]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "weekly":
                    actions.add_weekly_rule(specialist=specialist, acting_user=request.user, **data)
                elif kind == "override":
                    actions.add_date_override(
                        specialist=specialist, acting_user=request.user, **data
                    )
                elif kind == "break":
                    actions.add_break(specialist=specialist, acting_user=request.user, **data)
                else:
                    begin, finish = form.interval()
                    actions.add_one_off_slot(
                        specialist=specialist, acting_user=request.user, start=begin, end=finish
                    )
            except actions.SchedulingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Availability saved."))
                return redirect("schedule_availability")
    today = timezone.localdate()
    context = {
        "forms": forms,
        "zone": specialist_zone(specialist),
        "weekly": WeeklyRule.objects.filter(specialist=specialist),
        "overrides": DateOverride.objects.filter(specialist=specialist, date__gte=today),
        "breaks": Break.objects.filter(specialist=specialist),
        "one_offs": OneOffSlot.objects.filter(specialist=specialist, end__gt=timezone.now()),
    }
    has_errors = any(f.errors for f in forms.values())
    return render(
        request,
        "scheduling/practice/availability.html",
        context,
        status=400 if has_errors else 200,
    )


@login_required
@require_POST
def availability_remove(request: HttpRequest) -> HttpResponse:
    specialist = _specialist(request)
    try:
        item_id = int(request.POST.get("id", ""))
    except ValueError:
        raise Http404 from None
    removed = actions.remove_availability_item(
        specialist=specialist,
        acting_user=request.user,
        kind=request.POST.get("kind", ""),
        item_id=item_id,
    )
    if not removed:
        raise Http404
    messages.success(request, _("Removed."))
    return redirect("schedule_availability")


# --- Proposals and appointments ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    specialist = _specialist(request)
    patients = list(access.proposable_patients(specialist))
    session_types = list(access.session_types_for(specialist, active_only=True))
    form = ProposeForm(
        request.POST or None,
        patients=patients,
        session_types=session_types,
        zone=specialist_zone(specialist),
        initial=_proposal_defaults(specialist, patient=request.GET.get("patient")),
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


def _proposal_defaults(specialist, *, patient=None) -> dict:
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
    specialist = _specialist(request)
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
@require_GET
def appointment(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    specialist = _specialist(request)
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
        },
    )


@login_required
@require_POST
def appointment_action(request: HttpRequest, appointment_id: uuid.UUID, what: str) -> HttpResponse:
    specialist = _specialist(request)
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


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Change the time, type or answer-by time of a proposal still waiting for the patient."""
    specialist = _specialist(request)
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


# --- Availability requests ---------------------------------------------------------------------


@login_required
@require_GET
def requests_list(request: HttpRequest) -> HttpResponse:
    """Open availability requests (oldest first: they expire first) and recent closed ones."""
    specialist = _specialist(request)
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
    initial = _proposal_defaults(specialist, patient=str(item.patient.uuid))
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
    specialist = _specialist(request)
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
    specialist = _specialist(request)
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
