"""Resolve the request host to a brand (patient portal) or the platform host."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from hale.tenancy.access import brand_for_host

PATIENT = "patient"
PLATFORM = "platform"


def is_platform_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() in settings.PLATFORM_HOSTS


class BrandMiddleware:
    """Sets ``request.brand`` and ``request.portal`` and picks the URLconf for the host.

    A host that is neither the platform host nor a brand domain gets a friendly 404 page
    rendered without any brand, so one brand's site never answers for another's host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.get_host()
        if is_platform_host(host):
            request.brand = None
            request.portal = PLATFORM
            request.urlconf = "hale.urls_platform"
            return self.get_response(request)
        brand = brand_for_host(host)
        if brand is None:
            request.brand = None
            request.portal = None
            translation.activate(translation.get_language_from_request(request))
            return render(request, "tenancy/no_such_portal.html", {"host": host}, status=404)
        request.brand = brand
        request.portal = PATIENT
        request.urlconf = "hale.urls_brand"
        return self.get_response(request)
