from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "hale.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Every app may declare its kinds in a ``notification_kinds`` module.
        autodiscover_modules("notification_kinds")
        from hale.notifications import signals

        signals.connect()
