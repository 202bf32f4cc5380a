"""Specialist application pages: apply, guided onboarding and status (specialist portal), and
the review queue (staff back office). Both live on the platform host only."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.core.middleware import browser_time_zone
from hale.specialists import access, actions
from hale.specialists.forms import (
    AboutForm,
    ExpertiseForm,
    PracticeForm,
    ProfileForm,
    ReasonForm,
    education_formset,
)
from hale.specialists.models import Specialist
from hale.specialists.onboarding import STEPS, get_step, next_step, previous_step

QUEUE_PAGE_SIZE = 25


def _step_url(step: str) -> str:
    return reverse("specialist_onboarding_step", args=[step])


def _resume_url(specialist: Specialist) -> str:
    """Where a specialist's application continues: the onboarding step they reached, or the
    status page once it is out of their hands."""
    if specialist.is_editable:
        return _step_url(specialist.onboarding_step)
    return reverse("specialist_application_status")


def _own_application(request: HttpRequest) -> Specialist | None:
    return access.specialist_for_user(request.user)


# --- Specialist portal ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Start an application (a POST, so a stray link or prefetch creates nothing)."""
    specialist = _own_application(request)
    if specialist is not None:
        return redirect(_resume_url(specialist))
    if request.method == "POST":
        specialist = actions.start_application(user=request.user)
        return redirect(_resume_url(specialist))
    return render(request, "specialists/apply.html", {"steps": STEPS})


@login_required
@require_GET
def onboarding_resume(request: HttpRequest) -> HttpResponse:
    specialist = _own_application(request)
    if specialist is None:
        return redirect("specialist_apply")
    return redirect(_resume_url(specialist))


def _save(specialist: Specialist, step: str, data: dict, form) -> bool:
    """Run the action; put its refusal on the step's form. True when saved."""
    try:
        actions.save_onboarding_step(specialist=specialist, step=step, data=data)
    except ValidationError as exc:
        if isinstance(form, forms.BaseForm) and hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.action_errors = exc.messages
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_step(request: HttpRequest, step: str) -> HttpResponse:
    """One step of the guided onboarding: GET shows it filled in, POST saves it and moves on."""
    current = get_step(step)
    if current is None:
        raise Http404
    specialist = _own_application(request)
    if specialist is None:
        return redirect("specialist_apply")
    if not specialist.is_editable:
        return redirect("specialist_application_status")

    post = request.method == "POST"
    data = request.POST if post else None
    context: dict = {}
    saved = False
    form: forms.Form
    if step == "about":
        form = AboutForm(
            data,
            # The zone hale.js read from the browser (a cookie), not the UTC fallback.
            initial=AboutForm.initial_for(specialist, browser_time_zone(request)),
        )
        if post and form.is_valid():
            saved = _save(specialist, step, form.cleaned_data, form)
        context["form"] = form
    elif step == "practice":
        form = PracticeForm(data, initial=PracticeForm.initial_for(specialist))
        if post and form.is_valid():
            saved = _save(specialist, step, form.cleaned_data, form)
        context["form"] = form
    elif step == "education":
        formset = education_formset(specialist, data)
        if post and formset.is_valid():
            saved = _save(specialist, step, {"education": formset.rows()}, formset)
        context["formset"] = formset
    elif step == "expertise":
        form = ExpertiseForm(
            data, specialist=specialist, initial=ExpertiseForm.initial_for(specialist)
        )
        if post and form.is_valid():
            saved = _save(specialist, step, form.cleaned_data, form)
        context["form"] = form
    elif step == "profile":
        form = ProfileForm(
            data, request.FILES if post else None, initial=ProfileForm.initial_for(specialist)
        )
        if post and form.is_valid():
            saved = _save(specialist, step, form.cleaned_data, form)
        context["form"] = form
    else:
        return _review_step(request, specialist)

    if saved:
        if request.POST.get("intent") == "add_row":
            return redirect(_step_url(step))
        if request.POST.get("intent") == "save_exit":
            messages.success(request, _("Your progress is saved. Come back any time."))
            return redirect("home")
        return redirect(_step_url(next_step(step)))
    return render(
        request,
        f"specialists/onboarding/{step}.html",
        {
            **context,
            **_onboarding_context(specialist, step),
        },
        status=400 if post else 200,
    )


def _onboarding_context(specialist: Specialist, step: str) -> dict:
    return {
        "specialist": specialist,
        "steps": STEPS,
        "step": get_step(step),
        "step_count": len(STEPS),
        "previous_step": previous_step(step),
    }


def _review_step(request: HttpRequest, specialist: Specialist) -> HttpResponse:
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            actions.submit_for_review(specialist=specialist)
        except actions.IncompleteApplication as exc:
            errors = exc.missing
        except actions.ApplicationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("specialist_application_status")
        else:
            messages.success(request, _("Thank you. Your application is waiting for review."))
            return redirect("specialist_application_status")
    profile = access.profile_queryset().get(pk=specialist.pk)
    missing = errors or actions.missing_items(profile)
    return render(
        request,
        "specialists/onboarding/review.html",
        {
            **_onboarding_context(profile, "review"),
            "missing": missing,
            "submit_refused": bool(errors),
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def application_status(request: HttpRequest) -> HttpResponse:
    """Where the application stands, with the reviewer's reason and the history."""
    specialist = _own_application(request)
    if specialist is None:
        return redirect("specialist_apply")
    events = list(specialist.review_events.order_by("-at", "-pk"))
    return render(
        request,
        "specialists/status.html",
        {
            "specialist": specialist,
            "events": events,
            "resume_url": _resume_url(specialist),
        },
    )


# --- Staff review queue -----------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    queue = access.review_queue(request.user)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "specialists/staff/queue.html", {"page": page})


def _review_page(
    request: HttpRequest,
    specialist: Specialist,
    *,
    changes_form=None,
    reject_form=None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "specialists/staff/detail.html",
        {
            "specialist": specialist,
            "events": list(specialist.review_events.all()),
            "can_decide": specialist.status == Specialist.Status.SUBMITTED,
            "changes_form": changes_form or ReasonForm(prefix="changes"),
            "reject_form": reject_form or ReasonForm(prefix="reject"),
        },
        status=status,
    )


@login_required
@require_GET
def review_detail(request: HttpRequest, specialist_id: uuid.UUID) -> HttpResponse:
    specialist = access.access_application_for_review(request.user, specialist_id)
    return _review_page(request, specialist)


def _decided(request: HttpRequest, specialist: Specialist, message: str) -> HttpResponse:
    messages.success(request, message % {"name": specialist.display_name})
    return redirect("staff_review_queue")


def _refused(request: HttpRequest, specialist: Specialist, exc: Exception) -> HttpResponse:
    if isinstance(exc, actions.NotAReviewer):
        raise Http404
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("staff_review_detail", specialist.uuid)


@login_required
@require_POST
def review_approve(request: HttpRequest, specialist_id: uuid.UUID) -> HttpResponse:
    specialist = access.access_application_for_review(request.user, specialist_id)
    try:
        actions.approve(acting_user=request.user, specialist=specialist)
    except (actions.ApplicationError, actions.NotAReviewer) as exc:
        return _refused(request, specialist, exc)
    return _decided(request, specialist, _("%(name)s is approved and has been told."))


def _decide_with_reason(
    request: HttpRequest, specialist_id: uuid.UUID, *, prefix: str, action, message: str
) -> HttpResponse:
    specialist = access.access_application_for_review(request.user, specialist_id)
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            action(
                acting_user=request.user, specialist=specialist, reason=form.cleaned_data["reason"]
            )
        except actions.InvalidTransition as exc:
            return _refused(request, specialist, exc)
        except actions.NotAReviewer as exc:
            return _refused(request, specialist, exc)
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        else:
            return _decided(request, specialist, message)
    return _review_page(request, specialist, status=400, **{f"{prefix}_form": form})


@login_required
@require_POST
def review_request_changes(request: HttpRequest, specialist_id: uuid.UUID) -> HttpResponse:
    return _decide_with_reason(
        request,
        specialist_id,
        prefix="changes",
        action=actions.request_changes,
        message=_("%(name)s has been asked for changes."),
    )


@login_required
@require_POST
def review_reject(request: HttpRequest, specialist_id: uuid.UUID) -> HttpResponse:
    return _decide_with_reason(
        request,
        specialist_id,
        prefix="reject",
        action=actions.reject,
        message=_("%(name)s’s application is declined and they have been told."),
    )
