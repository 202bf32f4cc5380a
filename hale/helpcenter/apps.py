from django.apps import AppConfig


class HelpcenterConfig(AppConfig):
    name = "hale.helpcenter"
    verbose_name = "Help Center"
