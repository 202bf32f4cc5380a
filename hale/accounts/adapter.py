from allauth.account.adapter import DefaultAccountAdapter


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

    def send_mail(self, template_prefix, email, context):
        from hale.notifications.email import render_brand_context

        context.update(render_brand_context(getattr(context.get("request"), "brand", None)))
        super().send_mail(template_prefix, email, context)
