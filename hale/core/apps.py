from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hale.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from hale.core import stamps  # noqa: F401  (watches every connection's writes)
