from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "hale.consents"
    verbose_name = _("Consents and signatures")

    def ready(self) -> None:
        from hale.accounts.hooks import patient_record_sections
        from hale.consents import gating
        from hale.scheduling import hooks

        hooks.booking_requirement.connect(gating.booking_requirement)
        hooks.join_refusal.connect(gating.join_refusal)
        hooks.appointment_sections.connect(gating.appointment_sections)
        patient_record_sections.connect(gating.record_sections)
