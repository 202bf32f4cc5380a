from django.conf import settings

from hale.tenancy.middleware import PATIENT


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
        "portal_base": base,
        "portal_section": section,
        "viewer_time_zone": getattr(request, "time_zone", None),
        "dev_outbox_enabled": settings.DEV_OUTBOX,
    }
