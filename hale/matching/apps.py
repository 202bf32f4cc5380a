from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "hale.matching"
    verbose_name = _("Finding a specialist")

    def ready(self) -> None:
        # Scheduling sits below matching and asks it through hooks (hale.scheduling.hooks).
        from hale.matching import actions, first_booking, freshness, pricing, programs
        from hale.scheduling import hooks

        hooks.booking_refusal.connect(first_booking.booking_refusal)
        hooks.before_booking.connect(actions.note_booking)
        hooks.appointment_booked.connect(programs.cover_appointment)
        hooks.appointment_cancelled.connect(programs.release_cover)
        hooks.schedule_changed.connect(freshness.schedule_changed)
        hooks.price_override.connect(pricing.brand_price_override)

        from allauth.account.signals import user_signed_up

        from hale.matching import referrals

        user_signed_up.connect(referrals.on_signed_up, dispatch_uid="hale.matching.referral")
