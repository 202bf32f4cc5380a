from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthnConfig(AppConfig):
    name = "hale.authn"
    label = "authn"
    verbose_name = _("Sign-in")
    default_auto_field = "django.db.models.BigAutoField"
