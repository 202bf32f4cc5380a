"""Which sign-in methods a request's portal offers, and which URLs belong to each.

Brand portals offer what staff chose (``Brand.signin_methods``). The platform host
(specialists, staff, operators) always offers password (with MFA) and one-time codes by
email; it has no magic links and no social sign-in.
"""

from hale.tenancy.models import Brand, SignInMethod

PASSWORD = SignInMethod.PASSWORD.value
EMAIL_CODE = SignInMethod.EMAIL_CODE.value
MAGIC_LINK = SignInMethod.MAGIC_LINK.value
OIDC = SignInMethod.OIDC.value

PLATFORM_METHODS = frozenset({PASSWORD, EMAIL_CODE})
# Methods that sign someone in to an account made on this portal by its sign-up form.
LOCAL_METHODS = frozenset({PASSWORD, EMAIL_CODE, MAGIC_LINK})

# URL name -> the method it belongs to. A URL whose method the portal does not offer
# answers 404 (hale.authn.middleware.SignInMethodsMiddleware).
METHOD_OF_URL = {
    # Password: resetting, setting and changing it, and passkey sign-in (part of the
    # password-and-MFA bundle). The sign-in page itself is handled apart: GET lists the
    # methods; only its POST is a password sign-in.
    "account_reset_password": PASSWORD,
    "account_reset_password_done": PASSWORD,
    "account_reset_password_from_key": PASSWORD,
    "account_reset_password_from_key_done": PASSWORD,
    "account_confirm_password_reset_code": PASSWORD,
    "account_complete_password_reset": PASSWORD,
    "account_password_reset_completed": PASSWORD,
    "account_change_password": PASSWORD,
    "account_set_password": PASSWORD,
    "mfa_login_webauthn": PASSWORD,
    # One-time code by email.
    "account_request_login_code": EMAIL_CODE,
    "account_confirm_login_code": EMAIL_CODE,
    # Sign-in links.
    "authn_magic_link_request": MAGIC_LINK,
    "authn_magic_link_sent": MAGIC_LINK,
    "authn_magic_link": MAGIC_LINK,
    # Social sign-in through OpenID Connect.
    "openid_connect_login": OIDC,
    "openid_connect_callback": OIDC,
    "socialaccount_signup": OIDC,
}


def offered_methods(brand: Brand | None) -> frozenset[str]:
    """The sign-in methods of ``brand``'s portal, or of the platform host for None."""
    if brand is None:
        return PLATFORM_METHODS
    return frozenset(brand.signin_methods or [])


def local_signup_open(brand: Brand | None) -> bool:
    """Whether the portal's own sign-up form is open: it is when people can sign in again
    afterwards without a social account (password, email code or sign-in link)."""
    return bool(offered_methods(brand) & LOCAL_METHODS)


def url_allowed(url_name: str | None, method: str, brand: Brand | None) -> bool:
    """Whether the view named ``url_name`` may answer a ``method`` request on this portal."""
    methods = offered_methods(brand)
    if url_name == "account_login":
        return method != "POST" or PASSWORD in methods
    if url_name == "account_signup":
        return local_signup_open(brand)
    required = METHOD_OF_URL.get(url_name or "")
    return required is None or required in methods
