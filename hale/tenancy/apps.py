from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "hale.tenancy"
    verbose_name = "Brands"
