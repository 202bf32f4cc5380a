"""Sign-in links on a brand host: ask for one, and the page the emailed link opens.

Every view here is reached only when the brand offers sign-in links
(``SignInMethodsMiddleware`` answers 404 otherwise).
"""

from allauth.account.utils import perform_login
from allauth.core import ratelimit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hale.authn.access import magic_link_for_token
from hale.authn.actions import MagicLinkError, request_magic_link, use_magic_link
from hale.authn.forms import MagicLinkRequestForm
from hale.core.http import BrandRequest, safe_next

# Problem codes and the status they answer with: gone for good, or never ours.
PROBLEM_STATUS = {"invalid": 404, "used": 410, "expired": 410}


def _problem(request: HttpRequest, error: MagicLinkError) -> HttpResponse:
    return render(
        request,
        "authn/magic_link_problem.html",
        {"message": error.message, "code": error.code},
        status=PROBLEM_STATUS[error.code],
    )


@never_cache
@require_http_methods(["GET", "POST"])
def magic_link_request(request: BrandRequest) -> HttpResponse:
    """Ask for a sign-in link. The answer is the same whether or not the email has an
    account; asking is rate-limited per address and per IP."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = MagicLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        key = f"{request.brand.pk}:{email}"
        if not ratelimit.consume(request, action="request_magic_link", key=key):
            return ratelimit.respond_429(request)
        request_magic_link(
            brand=request.brand,
            email=email,
            next_url=next_url,
            # The host was matched to this brand's domains by BrandMiddleware.
            base_url=f"{request.scheme}://{request.get_host()}",
        )
        request.session["hale_magic_link_email"] = email
        return redirect("authn_magic_link_sent")
    return render(request, "authn/magic_link_request.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET"])
def magic_link_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "authn/magic_link_sent.html",
        {"email": request.session.get("hale_magic_link_email", "")},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def magic_link(request: BrandRequest, token: str) -> HttpResponse:
    """The emailed link. GET shows "Continue signing in" and never spends the token (mail
    scanners open links); the POST spends it and signs the person in."""
    if request.method == "GET":
        link = magic_link_for_token(token, request.brand)
        if link is None or not link.user.is_active:
            return _problem(request, MagicLinkError("invalid"))
        if link.used_at is not None:
            return _problem(request, MagicLinkError("used"))
        if link.is_expired():
            return _problem(request, MagicLinkError("expired"))
        return render(request, "authn/magic_link_confirm.html", {"link": link})

    if not ratelimit.consume(request, action="use_magic_link"):
        return ratelimit.respond_429(request)
    try:
        link = use_magic_link(brand=request.brand, token=token)
    except MagicLinkError as error:
        return _problem(request, error)
    return perform_login(
        request,
        link.user,
        email=link.email,
        redirect_url=safe_next(request, link.next_url) or None,
    )
