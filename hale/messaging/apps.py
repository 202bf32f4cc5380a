from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "hale.messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from hale.messaging import realtime

        realtime.connect()
