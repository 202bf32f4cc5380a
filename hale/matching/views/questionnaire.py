"""Brand staff edit the matching questionnaire (platform host)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hale.matching import questionnaire
from hale.matching.forms.questionnaire import QuestionnaireForm
from hale.matching.views.common import run_for_valid
from hale.tenancy.access import access_staff_brand


@login_required
@require_http_methods(["GET", "POST"])
def staff_questionnaire(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    definition = questionnaire.definition_for(brand)
    form = QuestionnaireForm(request.POST or None, definition=definition)
    saved = request.method == "POST" and run_for_valid(
        form,
        lambda: questionnaire.save_questionnaire(
            brand=brand,
            questions=form.questions(),
            concerns=form.cleaned_data["concerns_offered"],
            region=form.cleaned_data["region"],
            acting_user=request.user,
        ),
    )
    if saved:
        messages.success(request, _("The questionnaire is saved."))
        return redirect("staff_questionnaire", brand.slug)
    return render(
        request,
        "matching/questionnaire/staff_questionnaire.html",
        {"managed_brand": brand, "form": form, "preview": questionnaire.match_form(brand)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def staff_questionnaire_reset(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    questionnaire.reset_questionnaire(brand=brand, acting_user=request.user)
    messages.success(request, _("The standard questionnaire is back."))
    return redirect("staff_questionnaire", brand.slug)
