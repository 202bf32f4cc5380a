"""Back-office views for a brand's own settings and plan (platform host,
/staff/brands/<slug>/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hale.tenancy.access import access_staff_brand
from hale.tenancy.actions import set_plan, update_brand_settings
from hale.tenancy.errors import PlanError
from hale.tenancy.forms import BrandPlanForm, BrandSettingsForm
from hale.tenancy.models import Brand, Plan, PlanFeature, plan_matrix


@login_required
def brand_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = BrandSettingsForm(request.POST or None, request.FILES or None, instance=brand)
    if request.method == "POST" and form.is_valid():
        update_brand_settings(acting_user=request.user, brand=brand, form=form)
        messages.success(request, _("Your brand settings were saved."))
        return redirect("staff_brand_settings", brand_slug=brand.slug)
    return render(request, "staff/brand_settings.html", {"managed_brand": brand, "form": form})


def _plan_columns(brand: Brand) -> list[tuple[str, bool]]:
    """The matrix's columns (label, whether ``brand`` has it), in ``plan_matrix`` order."""
    return [
        (str(Plan.PROFESSIONAL.label), brand.plan == Plan.PROFESSIONAL),
        (str(Plan.PREMIUM.label), brand.plan == Plan.PREMIUM),
        (_("Portal add-on"), brand.portal_addon),
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def brand_plan(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Which plan gives which patient feature, with the brand's own plan and add-on marked.
    Platform operators also change them here; for anyone else a POST answers 404."""
    brand = access_staff_brand(request.user, brand_slug)
    is_operator = request.user.is_superuser
    if request.method == "POST" and not is_operator:
        raise Http404
    form = BrandPlanForm.for_brand(brand, request.POST or None) if is_operator else None
    error = None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            set_plan(
                brand=brand,
                plan=form.cleaned_data["plan"],
                portal_addon=form.cleaned_data["portal_addon"],
                acting_user=request.user,
                shown=form.cleaned_data["shown"],
            )
        except PlanError as exc:
            brand.refresh_from_db()
            form = BrandPlanForm.for_brand(brand)
            error = str(exc.message)
        else:
            messages.success(request, _("The plan of %(name)s was saved.") % {"name": brand.name})
            return redirect("staff_brand_plan", brand_slug=brand.slug)
    columns = _plan_columns(brand)
    rows = [
        (label, [(included, column[1]) for included, column in zip(cells, columns, strict=True)])
        for label, cells in plan_matrix()
    ]
    return render(
        request,
        "tenancy/plan.html",
        {
            "managed_brand": brand,
            "plan_label": Plan(brand.plan).label,
            "columns": columns,
            "rows": rows,
            "included": [
                label for value, label in PlanFeature.choices if brand.plan_includes(value)
            ],
            "form": form,
            "error": error,
        },
        status=409 if error else 200,
    )
