"""The re-consent gate: patients accept the brand's current Terms and Privacy Policy first."""

from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from hale.legal.access import consent_status
from hale.legal.models import LegalDocument

BRAND_URLCONF = "hale.urls_brand"


def _path(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args, urlconf=BRAND_URLCONF)
    except NoReverseMatch:  # e.g. an allauth page switched off by its settings
        return None


@cache
def open_prefixes() -> tuple[str, ...]:
    """Paths a patient may use before accepting (other gates, e.g. the sign-up consents,
    keep the same ones open): the accept page and the documents it links
    to, signing out, confirming an email address, "Your data" (export and deletion),
    switching language, the bell's count, static files and media, and websockets."""
    prefixes = [
        _path("legal_accept"),
        # /legal/terms/…, /legal/privacy/… and their earlier versions.
        *(_path("legal_document", kind) for kind in LegalDocument.Kind.values),
        _path("account_logout"),
        _path("account_email_verification_sent"),  # /accounts/confirm-email/ and its links
        # Someone who does not agree can still take their data and delete their account.
        _path("data_rights"),
        _path("account_reauthenticate"),
        _path("set_language"),
        _path("notification_unread_count"),
        settings.STATIC_URL,
        settings.MEDIA_URL,
        "/ws/",
    ]
    return tuple(p for p in prefixes if p and p != "/")


def next_path(request: HttpRequest) -> str:
    """Where to come back after accepting: this page for a GET, the page an htmx request came
    from, else the home page (a form posted now would be lost anyway)."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return htmx.current_url_abs_path
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return "/"


class ConsentGateMiddleware:
    """On a brand host, a signed-in patient of the brand who has not accepted the current
    version of every published legal document is sent to ``/legal/accept/?next=…`` until they
    do (htmx requests get an ``HX-Redirect``). Allow-listed paths stay open.

    Costs no query for guests and on the platform host, and one query for signed-in users on
    a brand host (the result is kept on the request for the views that need it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            getattr(request, "brand", None) is not None
            and request.user.is_authenticated
            and not request.path.startswith(open_prefixes())
            and consent_status(request).needs_consent
        ):
            target = reverse("legal_accept", urlconf=BRAND_URLCONF)
            target = f"{target}?{urlencode({'next': next_path(request)})}"
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
