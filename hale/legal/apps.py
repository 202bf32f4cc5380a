from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "hale.legal"
    verbose_name = "Terms and privacy"
