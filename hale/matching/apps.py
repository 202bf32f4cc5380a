from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "hale.matching"
    verbose_name = _("Finding a specialist")
