"""State changes for brands."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from hale.core import audit
from hale.tenancy.access import staff_brands
from hale.tenancy.errors import PlanError
from hale.tenancy.models import Brand, Plan


@transaction.atomic
def update_brand_settings(*, acting_user, brand: Brand, form) -> Brand:
    """Save a validated BrandSettingsForm for ``brand``; only that brand's staff may."""
    if not staff_brands(acting_user).filter(pk=brand.pk).exists():
        raise Http404
    changed = list(form.changed_data)
    brand = form.save()
    audit.record(acting_user, "brand.settings_updated", brand, brand=brand, fields=changed)
    return brand


@transaction.atomic
def set_plan(
    *,
    brand: Brand,
    plan: str,
    portal_addon: bool,
    acting_user,
    shown: tuple[str, bool] | None = None,
) -> Brand:
    """Put ``brand`` on ``plan``, with or without the Portal add-on. Only platform operators
    may (anyone else gets 404, as for a page that does not exist). ``shown`` is the plan and
    add-on the form showed: when another operator changed them meanwhile the change is
    refused with ``PlanError`` and the current values stay."""
    if not getattr(acting_user, "is_superuser", False):
        raise Http404
    if plan not in Plan.values:
        raise PlanError(_("Choose one of the plans."))
    locked = Brand.objects.select_for_update().get(pk=brand.pk)
    previous = (locked.plan, locked.portal_addon)
    if shown is not None and shown != previous:
        raise PlanError(
            _("Someone changed this brand's plan while you were looking. Here is the current one.")
        )
    if previous == (plan, portal_addon):
        return locked
    locked.plan = plan
    locked.portal_addon = portal_addon
    locked.save(update_fields=["plan", "portal_addon"])
    audit.record(
        acting_user,
        "tenancy.plan_changed",
        locked,
        brand=locked,
        plan=str(plan),
        portal_addon=portal_addon,
        previous_plan=previous[0],
        previous_portal_addon=previous[1],
    )
    return locked
