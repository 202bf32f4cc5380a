"""Patient onboarding pages on a brand host (mounted at /welcome/): one page per step, saved
as the patient goes, resumed where they left off, ending with "what happens next"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hale.accounts import onboarding
from hale.accounts.forms_onboarding import AboutForm, LanguageForm, TimeZoneForm
from hale.accounts.models import Patient
from hale.accounts.views.account import set_language_cookie
from hale.core.http import SignedInRequest
from hale.core.middleware import browser_time_zone


def _patient(request: HttpRequest) -> Patient:
    """The signed-in person's patient record on this brand; 404 for anyone else (the
    platform host, staff, someone whose invitation is not accepted yet)."""
    patient = onboarding.onboarding_patient(request.user, getattr(request, "brand", None))
    if patient is None:
        raise Http404
    return patient


@login_required
@require_GET
def onboarding_resume(request: HttpRequest) -> HttpResponse:
    return redirect(onboarding.step_url(onboarding.resume_step(_patient(request))))


def _form_for(request: HttpRequest, patient: Patient, step: str):
    data = request.POST if request.method == "POST" else None
    if step == "about":
        return AboutForm(
            data,
            initial=AboutForm.initial_for(patient),
            asks_date_of_birth=onboarding.asks_date_of_birth(patient.brand),
        )
    if step == "time-zone":
        return TimeZoneForm(data, initial=TimeZoneForm.initial_for(patient, request))
    return LanguageForm(data, initial=LanguageForm.initial_for(patient, translation.get_language()))


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_step(request: SignedInRequest, step: str) -> HttpResponse:
    """GET shows the step filled in with what is saved; POST saves it and moves on."""
    current = onboarding.get_step(step)
    if current is None:
        raise Http404
    patient = _patient(request)
    if not onboarding.step_reached(patient, step):
        return redirect(onboarding.step_url(onboarding.resume_step(patient)))
    if step == onboarding.FINAL_STEP:
        return _whats_next(request, patient)

    form = _form_for(request, patient, step)
    if request.method == "POST" and form.is_valid():
        try:
            patient = onboarding.save_onboarding_step(
                acting_user=request.user, patient=patient, step=step, data=form.cleaned_data
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            if request.POST.get("intent") == "save_exit":
                messages.success(
                    request, _("Your answers are saved. You can finish setting up any time.")
                )
                response = redirect("home")
            else:
                response = redirect(onboarding.step_url(onboarding.next_step(step)))
            if step == "language":
                set_language_cookie(response, patient.language)
            return response

    detected = browser_time_zone(request) if step == "time-zone" else ""
    if detected:
        # The sentence naming the detected zone describes the select, next to its help text.
        form.fields["time_zone"].widget.attrs["aria-describedby"] = (
            f"{form['time_zone'].auto_id}_helptext time-zone-detected"
        )
    context = {**_context(patient, step), "form": form, "browser_time_zone": detected}
    template = f"accounts/onboarding/{step.replace('-', '_')}.html"
    return render(request, template, context, status=400 if form.is_bound else 200)


def _context(patient: Patient, step: str) -> dict:
    return {
        "patient": patient,
        "steps": [
            {"step": s, "reached": onboarding.step_reached(patient, s.key)}
            for s in onboarding.STEPS
        ],
        "step": onboarding.get_step(step),
        "step_count": len(onboarding.STEPS),
        "previous_step": onboarding.previous_step(step),
    }


def _whats_next(request: HttpRequest, patient: Patient) -> HttpResponse:
    return render(
        request,
        "accounts/onboarding/next.html",
        {
            **_context(patient, onboarding.FINAL_STEP),
            "discovery_mode": patient.brand.discovery_mode,
            "invited": onboarding.was_invited(patient),
        },
    )
