"""The patient's side of a portal invitation (brand host).

``GET /invite/<token>/`` only reads: mail scanners open links, so showing the page never
spends the token. The token is spent by the confirming POST of a signed-in patient. A visitor
who first has to sign up or sign in leaves with ``next=/invite/continue/``; meanwhile their
session keeps the token's hash, so the token travels in no other URL and is stored nowhere.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hale.accounts import invitations
from hale.accounts.invitations import STATUS_ERRORS, InvitationError
from hale.accounts.models import PortalInvitation
from hale.core.http import BrandRequest
from hale.core.tokens import hash_token, plausible_token

SESSION_KEY = "hale_invitation_token_hash"
Status = PortalInvitation.Status

# What a refused invitation answers: gone for good (410) or a request that cannot be met.
GONE_CODES = {"used", "expired", "revoked"}


def _problem(request: BrandRequest, *, code: str, message: str) -> HttpResponse:
    if code == "invalid":
        status = 404
    elif code in GONE_CODES:
        status = 410
    else:
        status = 409
    response = render(
        request,
        "accounts/invitation_problem.html",
        {
            "code": code,
            "message": message,
        },
        status=status,
    )
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    # The page's own URL carries the token: no Referer to other sites. Not "no-referrer":
    # with it Chromium sends "Origin: null" with the page's own forms and CSRF refuses them.
    response["Referrer-Policy"] = "same-origin"
    return response


def _forget(request: BrandRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def _with_next(url_name: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': reverse('invitation_continue')})}"


def _handle(request: BrandRequest, token_hash: str) -> HttpResponse:
    invitation = invitations.invitation_for_hash(token_hash, request.brand)
    if invitation is None:
        _forget(request)
        return _problem(
            request,
            code="invalid",
            message=_(
                "This invitation link is not valid. Check that you copied the whole link, or ask "
                "the clinic to send a new invitation."
            ),
        )
    status = invitation.effective_status()
    user = request.user
    if status != Status.PENDING:
        _forget(request)
        if (
            status == Status.ACCEPTED
            and user.is_authenticated
            and invitation.patient.user_id == user.pk
        ):
            messages.info(request, _("You have already accepted this invitation."))
            return redirect("home")
        code, message = STATUS_ERRORS[status]
        return _problem(request, code=code, message=str(message))

    if request.method == "POST":
        if not user.is_authenticated:
            request.session[SESSION_KEY] = token_hash
            return redirect(_with_next("account_login"))
        try:
            invitations.accept_invitation_by_hash(
                token_hash=token_hash, user=user, brand=request.brand
            )
        except InvitationError as exc:
            if exc.code == "already_yours":
                _forget(request)
                messages.info(request, exc.message)
                return redirect("home")
            if exc.code in GONE_CODES or exc.code == "invalid":
                _forget(request)
            return _problem(request, code=exc.code, message=exc.message)
        _forget(request)
        messages.success(
            request,
            _("Welcome to %(brand)s! Your account is now linked to your patient record.")
            % {"brand": request.brand.name},
        )
        return redirect("home")

    if not user.is_authenticated:
        # Keep the invitation for the way back from sign-up / sign-in (invitation_continue).
        request.session[SESSION_KEY] = token_hash
    email_matches = user.is_authenticated and (
        (user.email or "").casefold() == invitation.email.casefold()
    )
    inviter = invitation.created_by
    response = render(
        request,
        "accounts/invitation_landing.html",
        {
            "invitation": invitation,
            "inviter_name": inviter.get_full_name() if inviter else "",
            "email_matches": email_matches,
            "signup_url": _with_next("account_signup"),
            "login_url": _with_next("account_login"),
            "continue_url": reverse("invitation_continue"),
        },
    )
    return _private(response)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_landing(request: BrandRequest, token: str) -> HttpResponse:
    """The emailed link: the invitation page (GET), or accept it (POST)."""
    if not plausible_token(token):
        return _handle(request, "")
    return _handle(request, hash_token(token))


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_continue(request: BrandRequest) -> HttpResponse:
    """The same page for the invitation kept in this session."""
    token_hash = request.session.get(SESSION_KEY)
    if not token_hash:
        return _problem(
            request,
            code="invalid",
            message=_(
                "We could not find your invitation. Open the link in the invitation email again."
            ),
        )
    return _handle(request, token_hash)
