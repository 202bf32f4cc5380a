"""The sign-up consent gate: a patient signs the brand's "at sign-up" consents before using
the portal (after accepting the Terms and Privacy Policy, whose gate runs first)."""

import functools
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from hale.accounts.access import request_patient
from hale.consents import access
from hale.consents.models import ConsentTemplate, ConsentVersion, Requirement
from hale.core import stamps
from hale.legal.middleware import BRAND_URLCONF, next_path, open_prefixes

CACHE_SECONDS = 300


def cache_key(brand_id: int) -> str:
    return f"consents:signup-rule:{brand_id}"


def brand_has_signup_consents(brand_id: int) -> bool:
    """Whether the brand has a published, active sign-up consent (cached; the consent
    actions clear it when a template changes)."""
    key = cache_key(brand_id)
    stamps.note_read(ConsentTemplate._meta.db_table, ConsentVersion._meta.db_table)
    found = cache.get(key)
    if found is None:
        found = (
            ConsentTemplate.objects.filter(
                brand_id=brand_id,
                is_active=True,
                requirement=Requirement.SIGNUP,
                versions__isnull=False,
            )
            .only("pk")
            .exists()
        )
        cache.set(key, found, CACHE_SECONDS)
    return bool(found)


@functools.cache
def _open_paths() -> tuple[str, ...]:
    return (*open_prefixes(), reverse("consent_list", urlconf=BRAND_URLCONF))


def _open(path: str) -> bool:
    return path.startswith(_open_paths())


class SignupConsentGateMiddleware:
    """On a brand host, a signed-in patient with an unsigned sign-up consent is sent to sign
    it (``?next=`` brings them back); the consent pages and everything the legal gate keeps
    open stay open. Costs nothing for brands without such a consent (one cached flag)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        brand = getattr(request, "brand", None)
        if (
            brand is not None
            and request.user.is_authenticated
            and access.signing_offered(brand)
            and not _open(request.path)
            and brand_has_signup_consents(brand.pk)
        ):
            patient = request_patient(request)
            pending = access.unsigned_signup_templates(patient) if patient is not None else []
            if pending:
                target = reverse("consent_sign", urlconf=BRAND_URLCONF, args=[pending[0].uuid])
                target = f"{target}?{urlencode({'next': next_path(request)})}"
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return HttpResponseRedirect(target)
        return self.get_response(request)
