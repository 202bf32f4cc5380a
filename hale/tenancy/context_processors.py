from django.conf import settings

from hale.tenancy.middleware import PATIENT
from hale.tenancy.models import PlanFeature


def plan_features(brand) -> frozenset[str]:
    return frozenset(f for f in PlanFeature.values if brand.plan_includes(f))


def portal(request):
    """Which portal shell to render, and the brand behind it."""
    brand = getattr(request, "brand", None)
    portal_name = getattr(request, "portal", None)
    path = request.path
    if portal_name == PATIENT:
        base = "patient/base.html"
        section = "patient"
    elif path.startswith("/staff/"):
        base = "staff/base.html"
        section = "staff"
    else:
        base = "specialist/base.html"
        section = "specialist"
    return {
        "brand": brand,
        # What the brand's plan gives its patients: {% if "shop" in plan_features %}
        "plan_features": plan_features(brand) if brand is not None else frozenset(),
        "portal_base": base,
        "portal_section": section,
        "viewer_time_zone": getattr(request, "time_zone", None),
        "dev_outbox_enabled": settings.DEV_OUTBOX,
    }
