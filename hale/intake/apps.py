from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "hale.intake"
    verbose_name = _("Intake forms")

    def ready(self) -> None:
        from hale.accounts.hooks import patient_record_sections
        from hale.intake import actions, sections
        from hale.scheduling import hooks

        hooks.appointment_booked.connect(actions.send_at_booking)
        patient_record_sections.connect(sections.record_sections)
