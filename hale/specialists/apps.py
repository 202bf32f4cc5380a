from django.apps import AppConfig


class SpecialistsConfig(AppConfig):
    name = "hale.specialists"
    verbose_name = "Specialists"
