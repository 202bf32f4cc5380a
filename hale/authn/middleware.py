"""One place that keeps each portal to the sign-in methods it offers."""

from django.conf import settings
from django.http import Http404
from django.utils.csp import CSP

from hale.authn.access import brand_identity_providers, provider_origins
from hale.authn.methods import url_allowed

# Pages whose forms start a social sign-in: their POST is answered with a redirect to the
# provider, and a browser applies the page's CSP form-action to that redirect too.
SOCIAL_FORM_PAGES = {"account_login", "account_signup", "openid_connect_login"}


class SignInMethodsMiddleware:
    """Answers 404 for sign-in URLs of methods the portal does not offer.

    Brand portals offer what their staff chose (``Brand.signin_methods``); the platform host
    offers password (with MFA) and email codes. The sign-in page itself always answers GET,
    showing only the methods offered; its POST (a password sign-in) is refused without
    "password". Social sign-in URLs of apps not linked to the brand also answer 404: the
    social account adapter lists only the brand's apps.

    On pages with social sign-in buttons it also lets the page's forms reach the brand's
    providers (CSP ``form-action``), since starting a sign-in redirects the form there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.url_name in SOCIAL_FORM_PAGES
            and getattr(request, "brand", None) is not None
            and not hasattr(response, "_csp_config")
        ):
            origins = provider_origins(brand_identity_providers(request.brand))
            if origins:
                config = dict(settings.SECURE_CSP)
                config["form-action"] = [*config.get("form-action", [CSP.SELF]), *origins]
                response._csp_config = config
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not url_allowed(match.url_name, request.method, getattr(request, "brand", None)):
            raise Http404
        return None
