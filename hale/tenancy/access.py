"""Scoped reads for brands."""

from django.db.models import QuerySet
from django.http import Http404

from hale.core.access import Denied
from hale.tenancy.models import Brand, BrandDomain


def brand_for_host(host: str) -> Brand | None:
    """The active brand serving ``host`` (port ignored), or None."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    domain = (
        BrandDomain.objects.select_related("brand")
        .filter(domain=name.lower(), brand__is_active=True)
        .first()
    )
    return domain.brand if domain else None


def staff_brands(user) -> QuerySet[Brand]:
    """Brands whose back office ``user`` may use. Platform operators see every brand."""
    if not user.is_authenticated:
        return Brand.objects.none()
    if user.is_superuser:
        return Brand.objects.all()
    return Brand.objects.filter(memberships__user=user).distinct()


def access_staff_brand(user, slug: str) -> Brand:
    """The brand ``slug`` if ``user`` is its staff; otherwise 404, as if it did not exist."""
    brand = staff_brands(user).filter(slug=slug).first()
    if brand is None:
        raise Http404
    return brand


def staff_brand(user, slug: str) -> Brand:
    """The brand ``slug`` if ``user`` is its staff; 404 (audited as a denied access)
    otherwise."""
    try:
        return access_staff_brand(user, slug)
    except Http404:
        raise Denied(Brand, slug) from None


def require_plan_feature(brand: Brand | None, feature: str) -> None:
    """404 unless the brand's plan gives its patients ``feature`` (a ``PlanFeature``)."""
    if brand is None or not brand.plan_includes(feature):
        raise Http404


def plan_feature_required(feature: str):
    """View decorator: the page exists only on brands whose plan includes ``feature``."""
    from functools import wraps

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_plan_feature(getattr(request, "brand", None), feature)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
