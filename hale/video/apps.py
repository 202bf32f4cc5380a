from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "hale.video"
    verbose_name = _("Video sessions")

    def ready(self) -> None:
        from hale.scheduling import hooks
        from hale.video import receivers

        hooks.appointment_sections.connect(receivers.appointment_sections)
        hooks.join_url.connect(receivers.calendar_join_url)
