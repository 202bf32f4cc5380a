from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Hale's allauth adapter: brand-aware sign-up and emails."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from hale.accounts.actions import ensure_patient_for_brand

            ensure_patient_for_brand(user=user, brand=getattr(request, "brand", None))
        return user

    def pre_login(self, request, user, **kwargs):
        """Refuse sign-in on a brand whose staff turned this patient's portal access off."""
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        from hale.accounts.invitations import portal_access_disabled

        if portal_access_disabled(user=user, brand=getattr(request, "brand", None)):
            from allauth.account.internal.stagekit import clear_login
            from django.shortcuts import render

            clear_login(request)
            return render(request, "accounts/portal_access_disabled.html", status=403)
        return None

    def get_login_redirect_url(self, request):
        """After signing in (or up) on a brand host, a patient who has not finished the guided
        onboarding resumes it; everyone else goes where allauth would send them."""
        from hale.accounts.onboarding import pending_onboarding_url

        url = pending_onboarding_url(request.user, getattr(request, "brand", None))
        return url or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """A new patient of a brand starts the guided onboarding straight after signing up."""
        from hale.accounts.onboarding import pending_onboarding_url

        url = pending_onboarding_url(request.user, getattr(request, "brand", None))
        return url or super().get_signup_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        from hale.notifications.email import render_brand_context

        context.update(render_brand_context(getattr(context.get("request"), "brand", None)))
        super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    """Hale's allauth MFA adapter: the brand's name in authenticator apps and passkey
    prompts, and no removing the last second factor where a brand requires one."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Two-factor authentication is required for your account, so you cannot remove "
            "your last authenticator app or security key. Add another one first."
        ),
    }

    def _get_site_name(self) -> str:
        from allauth.core import context

        brand = getattr(context.request, "brand", None)
        return brand.name if brand is not None else "Hale"

    def get_totp_issuer(self) -> str:
        return self._get_site_name()

    def can_delete_authenticator(self, authenticator) -> bool:
        from hale.accounts.mfa_policy import SECOND_FACTORS, mfa_requirement

        if authenticator.type not in SECOND_FACTORS:
            return True
        others = (
            type(authenticator)
            .objects.filter(user_id=authenticator.user_id, type__in=SECOND_FACTORS)
            .exclude(pk=authenticator.pk)
        )
        if others.exists():
            return True
        return mfa_requirement(authenticator.user) is None
