from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hale.core"
    verbose_name = "Core"
