"""Scheduling in the staff back office: the brand's booking policy (cancellation notice,
availability-request window, session reminders)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hale.scheduling import actions
from hale.scheduling.forms import BookingPolicyForm
from hale.scheduling.models import BookingPolicy
from hale.tenancy.access import staff_brand


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def booking_policy(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = staff_brand(request.user, brand_slug)
    policy = BookingPolicy.objects.filter(brand=brand).first() or BookingPolicy(brand=brand)
    form = BookingPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        actions.save_booking_policy(
            brand=brand,
            acting_user=request.user,
            values={f: form.cleaned_data[f] for f in BookingPolicyForm.Meta.fields},
        )
        messages.success(request, _("Booking policy saved."))
        return redirect("staff_booking_policy", brand.slug)
    return render(
        request,
        "scheduling/staff/booking_policy.html",
        {"managed_brand": brand, "form": form},
        status=400 if form.errors else 200,
    )
