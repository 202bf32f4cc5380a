"""What a specialist offers and when: session types, and weekly hours, date overrides, breaks
and one-off availability."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hale.scheduling import access, actions
from hale.scheduling.forms import (
    BreakForm,
    DateOverrideForm,
    OneOffSlotForm,
    SessionTypeForm,
    WeeklyRuleForm,
)
from hale.scheduling.models import (
    Break,
    DateOverride,
    OneOffSlot,
    WeeklyRule,
    specialist_zone,
)
from hale.scheduling.views.common import practice_specialist, run_for_valid

# --- Session types -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_types(request: HttpRequest) -> HttpResponse:
    specialist = practice_specialist(request)
    form = SessionTypeForm(request.POST or None)
    if request.method == "POST" and run_for_valid(
        form,
        lambda: actions.save_session_type(
            specialist=specialist, acting_user=request.user, values=form.values()
        ),
    ):
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
    specialist = practice_specialist(request)
    session_type = access.access_session_type(specialist, session_type_id)
    form = SessionTypeForm(request.POST or None, instance=session_type)
    if request.method == "POST" and run_for_valid(
        form,
        lambda: actions.save_session_type(
            specialist=specialist,
            acting_user=request.user,
            values=form.values(),
            session_type=access.access_session_type(specialist, session_type_id),
        ),
    ):
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


def _add_availability(kind: str, form, *, specialist, acting_user) -> None:
    """Add what the valid ``form`` of section ``kind`` describes."""
    data = form.cleaned_data
    if kind == "weekly":
        actions.add_weekly_rule(specialist=specialist, acting_user=acting_user, **data)
    elif kind == "override":
        actions.add_date_override(specialist=specialist, acting_user=acting_user, **data)
    elif kind == "break":
        actions.add_break(specialist=specialist, acting_user=acting_user, **data)
    else:
        begin, finish = form.interval()
        actions.add_one_off_slot(
            specialist=specialist, acting_user=acting_user, start=begin, end=finish
        )


@login_required
@require_http_methods(["GET", "POST"])
def availability_page(request: HttpRequest) -> HttpResponse:
    """Weekly hours, date overrides, breaks and one-off availability on one page; each
    section has its own add form (``kind`` says which was posted)."""
    specialist = practice_specialist(request)
    kind = request.POST.get("kind") if request.method == "POST" else None
    if kind is not None and kind not in AVAILABILITY_FORMS:
        raise Http404
    forms = _availability_forms(specialist, kind, request.POST if kind else None)
    if kind is not None and run_for_valid(
        forms[kind],
        lambda: _add_availability(
            kind, forms[kind], specialist=specialist, acting_user=request.user
        ),
    ):
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
    specialist = practice_specialist(request)
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
