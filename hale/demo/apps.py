from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hale.demo"
    verbose_name = "Demo and embedded run"
