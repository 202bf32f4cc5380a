from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "hale.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from hale.payments import receivers
        from hale.scheduling import hooks

        hooks.appointment_booked.connect(receivers.booked)
        hooks.booking_hold.connect(receivers.booking_hold)
        hooks.hold_lapsed.connect(receivers.hold_lapsed)
        hooks.appointment_accepted.connect(receivers.accepted)
        hooks.appointment_cancelled.connect(receivers.cancelled)
        hooks.payment_url.connect(receivers.payment_url)
        hooks.cancellation_terms.connect(receivers.cancellation_terms)
        hooks.join_refusal.connect(receivers.join_refusal)
        hooks.appointment_sections.connect(receivers.appointment_sections)
