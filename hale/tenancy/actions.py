"""State changes for brands."""

from django.db import transaction
from django.http import Http404

from hale.core import audit
from hale.tenancy.access import staff_brands
from hale.tenancy.models import Brand


@transaction.atomic
def update_brand_settings(*, acting_user, brand: Brand, form) -> Brand:
    """Save a validated BrandSettingsForm for ``brand``; only that brand's staff may."""
    if not staff_brands(acting_user).filter(pk=brand.pk).exists():
        raise Http404
    changed = list(form.changed_data)
    brand = form.save()
    audit.record(acting_user, "brand.settings_updated", brand, brand=brand, fields=changed)
    return brand
