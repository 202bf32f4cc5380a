from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthnConfig(AppConfig):
    name = "hale.authn"
    label = "authn"
    verbose_name = _("Sign-in")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hale.authn.access import refuse_sso_without_provider
        from hale.tenancy.forms import signin_methods_chosen

        signin_methods_chosen.connect(refuse_sso_without_provider)
