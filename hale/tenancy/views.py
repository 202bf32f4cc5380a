"""Back-office views for a brand's own settings (platform host, /staff/brands/<slug>/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hale.tenancy.access import access_staff_brand
from hale.tenancy.actions import update_brand_settings
from hale.tenancy.forms import BrandSettingsForm


@login_required
def brand_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = BrandSettingsForm(request.POST or None, request.FILES or None, instance=brand)
    if request.method == "POST" and form.is_valid():
        update_brand_settings(acting_user=request.user, brand=brand, form=form)
        messages.success(request, _("Your brand settings were saved."))
        return redirect("staff_brand_settings", brand_slug=brand.slug)
    return render(request, "staff/brand_settings.html", {"managed_brand": brand, "form": form})
