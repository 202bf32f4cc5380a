"""allauth adapters that keep every portal to the sign-in methods its brand offers.

``AccountAdapter`` extends Hale's account adapter (brand-aware sign-up and emails);
``SocialAccountAdapter`` shows and answers only the brand's own OpenID Connect apps and
makes social sign-ups patients of the brand.
"""

from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from hale.accounts.adapter import AccountAdapter as HaleAccountAdapter
from hale.authn.access import brand_social_app_ids
from hale.authn.methods import OIDC, local_signup_open, offered_methods


def _brand(request):
    request = request or allauth_context.request
    return getattr(request, "brand", None), request


class AccountAdapter(HaleAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        brand, _request = _brand(request)
        return local_signup_open(brand)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """Only the apps linked to the current brand, and none on the platform host or on a
        brand without OIDC sign-in. Outside a request (shell, admin actions) every app."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        brand, request = _brand(request)
        if request is None:
            return apps
        allowed = brand_social_app_ids(brand)
        return [app for app in apps if app.pk in allowed]

    def is_open_for_signup(self, request, sociallogin) -> bool:
        brand, _request = _brand(request)
        return brand is not None and OIDC in offered_methods(brand)

    def is_email_verified(self, provider, email) -> bool:
        """Never assume an address is verified: only the provider's own ``email_verified``
        claim counts (settings that force it are ignored)."""
        return False

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or "").strip()
        if not name:
            name = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
        if name and not user.full_name:
            user.full_name = name[:150]
        return user

    def save_user(self, request, sociallogin, form=None):
        """A social sign-up on a brand makes the person a patient of that brand (unless
        staff already made a record with that email: it is linked only by its invitation)."""
        from hale.accounts.actions import ensure_patient_for_brand

        user = super().save_user(request, sociallogin, form=form)
        brand, _request = _brand(request)
        ensure_patient_for_brand(user=user, brand=brand)
        return user
