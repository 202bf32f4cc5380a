"""Every state change of payments. Views and webhooks only call these.

- A paid booking made while Stripe is configured is held (PENDING, the appointment
  PENDING_PAYMENT until ``hold_expires_at``) while the patient pays on Stripe's page. Paid →
  ``record_paid``: the payment is locked and marked paid exactly once (a replayed webhook, the
  browser's return and a retried task all end here and find it paid), the ledger gets its
  entries (unique per provider id, so nothing is counted twice) and the booking is confirmed —
  also when the payment arrives after the hold lapsed, if the time is still free; otherwise
  the money goes straight back.
- Without Stripe the offline provider makes the payment DUE ("pay at the clinic / invoice"):
  the booking is confirmed and staff record the money when it arrives.
- Refunds are decided in the transaction that cancels (``policy.refund_terms``) and made at
  the provider after commit by a retried task with the refund's uuid as idempotency key.
- Network calls to Stripe never run inside a database transaction that holds a lock.
"""

import datetime as dt
import logging

import stripe
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.core import audit
from hale.core.tokens import readable_code
from hale.matching.models import ProgramSessionUse
from hale.payments import access, hooks, policy, stripe_api
from hale.payments.errors import PaymentError
from hale.payments.models import (
    ConnectedAccount,
    Customer,
    LedgerEntry,
    Payment,
    PaymentSettings,
    Refund,
    SavedCard,
)
from hale.payments.templatetags.money import money
from hale.scheduling import actions as scheduling
from hale.scheduling.models import Appointment
from hale.scheduling.pricing import session_price

logger = logging.getLogger(__name__)

Status = Payment.Status
Kind = LedgerEntry.Kind

LATE_PAYMENT_REASON = gettext_lazy("The time was no longer free when the payment arrived.")
GONE_REASON = gettext_lazy("What was paid for was cancelled before the payment arrived.")
DUPLICATE_REASON = gettext_lazy("Paid twice; the second payment is returned.")


def _tasks():
    from hale.payments import tasks

    return tasks


def _number() -> str:
    return readable_code("HL-", 10)


def _lock(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk)


def _entry(payment: Payment, kind: str, amount: int, external_id: str, **extra) -> bool:
    """Append one ledger entry; False when it was recorded before (same kind and source)."""
    if amount == 0:
        return False
    try:
        with transaction.atomic():
            LedgerEntry.objects.create(
                at=extra.pop("at", None) or timezone.now(),
                kind=kind,
                amount_minor=amount,
                currency=payment.currency,
                payment=payment,
                brand_id=payment.brand_id,
                specialist_id=payment.specialist_id,
                patient_id=payment.patient_id,
                organization_id=payment.organization_id,
                provider=payment.provider,
                external_id=external_id,
                **extra,
            )
    except IntegrityError:
        return False
    return True


# --- Sessions: what a booking costs ---------------------------------------------------------


def _flow_for(rules: PaymentSettings, specialist) -> tuple[str, str]:
    """The flow and connected account for a card payment to ``specialist``: direct charges
    when the brand uses Connect and the specialist can take charges, else the platform."""
    if rules.flow == PaymentSettings.Flow.CONNECT:
        account = ConnectedAccount.objects.filter(
            specialist=specialist, charges_enabled=True
        ).first()
        if account is not None:
            return Payment.Flow.CONNECT, account.account_id
    return Payment.Flow.PLATFORM, ""


def _session_description(appointment: Appointment) -> str:
    return _("%(session)s with %(specialist)s") % {
        "session": appointment.session_name,
        "specialist": appointment.specialist.display_name,
    }


def start_session_payment(appointment: Appointment, *, hold: bool) -> Payment | None:
    """What the session costs, recorded inside the transaction that booked or accepted it:
    nothing when it is free; SPONSORED (billable to the organisation) when a program covers
    it; with Stripe PENDING (held for ``hold_minutes`` when ``hold``, else due by card);
    without Stripe DUE at the clinic."""
    use = (
        ProgramSessionUse.objects.select_related("membership__program__organization")
        .filter(appointment=appointment)
        .first()
    )
    rules = access.brand_settings(appointment.brand)
    common = {
        "number": _number(),
        "brand_id": appointment.brand_id,
        "patient_id": appointment.patient_id,
        "specialist_id": appointment.specialist_id,
        "appointment": appointment,
        "description": _session_description(appointment)[:200],
        "currency": appointment.currency,
    }
    if use is not None:
        program = use.membership.program
        listed = (
            session_price(appointment.session_type, appointment.brand)
            if appointment.session_type
            else None
        )
        payment = Payment.objects.create(
            **common,
            amount_minor=listed.amount_minor if listed else 0,
            provider=Payment.Provider.SPONSOR,
            flow=Payment.Flow.SPONSORED,
            status=Status.SPONSORED,
            organization_id=program.organization_id,
        )
        if listed:
            payment.currency = listed.currency
            payment.save(update_fields=["currency"])
        _entry(payment, Kind.SPONSORED, payment.amount_minor, f"sponsored-{payment.uuid}")
        return payment
    if appointment.price_minor <= 0:
        return None
    flow, account = _flow_for(rules, appointment.specialist)
    if stripe_api.enabled():
        payment = Payment.objects.create(
            **common,
            amount_minor=appointment.price_minor,
            fee_minor=policy.commission(rules, appointment.price_minor),
            provider=Payment.Provider.STRIPE,
            flow=flow,
            stripe_account=account,
            status=Status.PENDING,
            hold_expires_at=(
                timezone.now() + dt.timedelta(minutes=rules.hold_minutes) if hold else None
            ),
        )
        if hold:
            transaction.on_commit(lambda: _tasks().release_at_hold_end(payment))
        return payment
    return Payment.objects.create(
        **common,
        amount_minor=appointment.price_minor,
        fee_minor=policy.commission(rules, appointment.price_minor),
        provider=Payment.Provider.OFFLINE,
        flow=Payment.Flow.PLATFORM,
        status=Status.DUE,
    )


def start_payment(*, brand, patient, description: str, amount_minor: int, currency: str) -> Payment:
    """A payment for something other than a session (an order), to the brand (platform
    flow, no commission): PENDING by card with Stripe, else DUE at the clinic. The caller
    links it to what it pays for; ``hooks.payment_paid`` tells it when the money arrived."""
    if amount_minor <= 0:
        raise PaymentError(_("There is nothing to pay."))
    return Payment.objects.create(
        number=_number(),
        brand=brand,
        patient=patient,
        description=description[:200],
        amount_minor=amount_minor,
        currency=currency,
        provider=Payment.Provider.STRIPE if stripe_api.enabled() else Payment.Provider.OFFLINE,
        flow=Payment.Flow.PLATFORM,
        status=Status.PENDING if stripe_api.enabled() else Status.DUE,
    )


def cancel_unpaid(payment: Payment) -> bool:
    """Inside the owner's transaction: a payment no longer wanted is cancelled unless it was
    paid already (True when it was cancelled; its open payment page is closed after commit)."""
    payment = _lock(payment)
    if payment.status not in (Status.PENDING, Status.DUE):
        return False
    had_page = payment.status == Status.PENDING and payment.checkout_session_id
    payment.status = Status.CANCELLED
    payment.save(update_fields=["status", "updated_at"])
    if had_page:
        transaction.on_commit(lambda: _tasks().expire_checkout.enqueue(payment_id=payment.pk))
    return True


# --- Paying by card ---------------------------------------------------------------------------


def open_checkout(*, payment: Payment, acting_user, success_url: str, cancel_url: str) -> str:
    """The URL of Stripe's payment page for ``payment`` (a new page each time it is asked;
    the one paid first counts, a second payment is returned)."""
    if payment.patient.user_id != acting_user.pk:
        raise PermissionDenied
    if payment.status != Status.PENDING or payment.provider != Payment.Provider.STRIPE:
        raise PaymentError(_("This payment is not waiting for a card payment."))
    if payment.appointment and payment.appointment.effective_status() == Appointment.Status.EXPIRED:
        raise PaymentError(_("The time held for you was released. Please book again."))
    expires_at = None
    if payment.hold_expires_at:
        # Stripe's page lives at least 30 minutes; the hold task expires it earlier.
        expires_at = int((timezone.now() + dt.timedelta(minutes=31)).timestamp())
    session = stripe_api.create_checkout(
        payment=payment,
        success_url=success_url,
        cancel_url=cancel_url,
        customer_email=payment.patient.email,
        expires_at=expires_at,
    )
    with transaction.atomic():
        locked = _lock(payment)
        if locked.status == Status.PENDING:
            locked.checkout_session_id = session.id
            locked.save(update_fields=["checkout_session_id", "updated_at"])
    audit.record(acting_user, "payments.checkout_opened", payment, brand=payment.brand)
    return session.url


def settle_checkout(session_id: str, account: str = "") -> Payment | None:
    """Apply what Stripe says about a payment page (from the webhook or the browser's
    return): read the session from Stripe itself, so the order events arrive in and what a
    forged return claims do not matter."""
    session = stripe_api.retrieve_checkout(session_id, account)
    if getattr(session, "mode", "payment") == "setup":
        return None
    payment = _payment_of(session)
    if payment is None:
        return None
    if session.payment_status == "paid" and session.payment_intent:
        record_paid(
            payment=payment, intent_id=str(session.payment_intent), amount=session.amount_total
        )
    return Payment.objects.get(pk=payment.pk)


def settle_intent(intent_id: str, account: str = "") -> Payment | None:
    intent = stripe_api.retrieve_intent(intent_id, account)
    payment = _payment_of(intent)
    if payment is None or intent.status != "succeeded":
        return payment
    record_paid(payment=payment, intent_id=intent.id, amount=intent.amount)
    return Payment.objects.get(pk=payment.pk)


def payment_of_session(session_id: str) -> Payment | None:
    return Payment.objects.filter(checkout_session_id=session_id).first() if session_id else None


def _payment_of(stripe_object) -> Payment | None:
    """Our payment named in a Stripe object's metadata."""
    data = stripe_object.to_dict() if hasattr(stripe_object, "to_dict") else dict(stripe_object)
    reference = (data.get("metadata") or {}).get("payment")
    if not reference:
        return None
    return Payment.objects.filter(uuid=reference).first()


def record_paid(
    *,
    payment: Payment,
    intent_id: str,
    amount: int | None,
    acting_user=None,
    paid_at: dt.datetime | None = None,
) -> bool:
    """``payment`` was paid at the provider (``intent_id``). True when this call recorded it;
    a second call for the same intent changes nothing; another intent for a payment already
    paid is a duplicate and is returned in full."""
    with transaction.atomic():
        payment = _lock(payment)
        if payment.is_paid:
            duplicate = intent_id and payment.payment_intent_id not in ("", intent_id)
            if (
                duplicate
                and not Refund.objects.filter(
                    payment=payment, provider_refund_id=f"dup:{intent_id}"
                ).exists()
            ):
                _refund_duplicate(payment, intent_id, amount or payment.amount_minor)
            return False
        if payment.status not in (Status.PENDING, Status.DUE, Status.CANCELLED):
            return False
        if amount is not None and amount != payment.amount_minor:
            logger.error(
                "Payment %s paid %s, expected %s", payment.pk, amount, payment.amount_minor
            )
        now = paid_at or timezone.now()
        payment.status = Status.PAID
        payment.paid_at = now
        payment.payment_intent_id = intent_id
        payment.recorded_by = (
            acting_user if getattr(acting_user, "is_authenticated", False) else None
        )
        payment.save(
            update_fields=["status", "paid_at", "payment_intent_id", "recorded_by", "updated_at"]
        )
        _entry(payment, Kind.PAYMENT, payment.amount_minor, intent_id, at=now)
        _entry(payment, Kind.FEE, payment.fee_minor, f"{intent_id}:fee", at=now)
        if payment.flow == Payment.Flow.PLATFORM and payment.specialist_id:
            _entry(
                payment,
                Kind.PAYABLE,
                payment.amount_minor - payment.fee_minor,
                f"{intent_id}:payable",
                at=now,
            )
        audit.record(acting_user, "payments.paid", payment, brand=payment.brand, intent=intent_id)
        confirmed = True
        if payment.appointment is not None:
            held = Appointment.objects.get(pk=payment.appointment.pk).status
            if held in (Appointment.Status.PENDING_PAYMENT, Appointment.Status.EXPIRED):
                # Paid in time, or late: confirmed when the time is still free.
                confirmed = scheduling.confirm_paid_booking(
                    appointment=payment.appointment, acting_user=acting_user
                )
            else:  # a session booked already (due), held or done; not one cancelled since
                confirmed = held in Appointment.BOOKED_STATUSES or held in (
                    Appointment.Status.COMPLETED,
                    Appointment.Status.NO_SHOW,
                )
        else:  # an order: its owner says whether it can still be had
            confirmed = hooks.payment_paid.first(payment=payment) is not False
        if not confirmed:
            create_refund(
                payment=payment,
                amount_minor=payment.amount_minor,
                reason=str(LATE_PAYMENT_REASON if payment.appointment is not None else GONE_REASON),
                acting_user=None,
                locked=True,
            )
        transaction.on_commit(
            lambda: _tasks().notify_paid.enqueue(payment_id=payment.pk, confirmed=confirmed)
        )
    return True


def _refund_duplicate(payment: Payment, intent_id: str, amount: int) -> None:
    refund = Refund.objects.create(
        payment=payment,
        amount_minor=amount,
        reason=str(DUPLICATE_REASON),
        provider_refund_id=f"dup:{intent_id}",
    )
    transaction.on_commit(
        lambda: _tasks().send_refund.enqueue(refund_id=refund.pk, intent_id=intent_id)
    )


def release(*, payment: Payment, acting_user) -> bool:
    """The patient gives up paying: the held time is freed at once."""
    if payment.patient.user_id != acting_user.pk or payment.appointment is None:
        raise PermissionDenied
    return scheduling.release_hold(appointment=payment.appointment, acting_user=acting_user)


def release_lapsed_hold(payment_id: int) -> bool:
    """The hold task: release the booking when its hold passed unpaid. Stripe is asked
    first, so a payment made in the last seconds confirms instead."""
    payment = Payment.objects.select_related("appointment").filter(pk=payment_id).first()
    if payment is None or payment.status != Status.PENDING or payment.appointment is None:
        return False
    if payment.hold_expires_at and payment.hold_expires_at > timezone.now():
        return False
    if payment.checkout_session_id:
        try:
            settled = settle_checkout(payment.checkout_session_id, payment.stripe_account)
        except stripe.StripeError:  # unreachable: release anyway, a late payment is refunded
            logger.warning("Could not ask Stripe about %s", payment.pk, exc_info=True)
        else:
            if settled is not None and settled.is_paid:
                return False
    return scheduling.release_hold(appointment=payment.appointment)


def hold_lapsed(appointment: Appointment) -> None:
    """Inside the transaction that released a held booking: the payment is cancelled, its
    payment page closed at Stripe after commit, and the patient told."""
    payment = Payment.objects.select_for_update().filter(appointment=appointment).first()
    if payment is None or payment.status != Status.PENDING:
        return
    payment.status = Status.CANCELLED
    payment.save(update_fields=["status", "updated_at"])
    audit.record(None, "payments.hold_released", payment, brand=payment.brand)
    if payment.checkout_session_id:
        transaction.on_commit(lambda: _tasks().expire_checkout.enqueue(payment_id=payment.pk))
    transaction.on_commit(lambda: _tasks().notify_released.enqueue(payment_id=payment.pk))


# --- Offline provider -------------------------------------------------------------------------


@transaction.atomic
def record_received(*, payment: Payment, acting_user, brand) -> Payment:
    """Staff record that a due payment arrived (cash, card terminal, bank transfer)."""
    if payment.brand_id != brand.pk:
        raise PermissionDenied
    payment = _lock(payment)
    if payment.status != Status.DUE:
        raise PaymentError(_("Only a due payment can be recorded as received."))
    payment.provider = Payment.Provider.OFFLINE
    payment.save(update_fields=["provider", "updated_at"])
    record_paid(
        payment=payment, intent_id=f"offline-{payment.uuid}", amount=None, acting_user=acting_user
    )
    return Payment.objects.get(pk=payment.pk)


# --- Cancellations and refunds ----------------------------------------------------------------


def cancellation_terms(appointment: Appointment, user) -> str | None:
    """What cancelling now gives back, told before the patient confirms."""
    payment = Payment.objects.filter(appointment=appointment).first()
    if payment is None:
        return None
    if payment.status in (Status.PENDING, Status.DUE):
        return _("Nothing has been paid for this session, so nothing will be charged.")
    if payment.status == Status.SPONSORED:
        return None
    if not payment.is_paid or payment.refundable_minor <= 0:
        return None
    terms = policy.refund_terms(
        access.brand_settings(appointment.brand),
        paid_minor=payment.refundable_minor,
        start=appointment.start,
        now=timezone.now(),
        by_patient=appointment.patient.user_id == getattr(user, "pk", None),
    )
    if terms.amount_minor == 0:
        return _("Under the clinic's cancellation policy this session is not refunded.")
    if terms.percent == 100:
        return _("You will be refunded in full: %(amount)s.") % {
            "amount": money(terms.amount_minor, payment.currency)
        }
    return _(
        "Under the clinic's cancellation policy you will be refunded %(percent)s%%: %(amount)s."
    ) % {
        "percent": terms.percent,
        "amount": money(terms.amount_minor, payment.currency),
    }


def appointment_cancelled(appointment: Appointment) -> None:
    """Inside ``cancel_appointment``: a held or due payment is cancelled; a paid one is
    refunded as the policy says; a sponsored one stops being billable when the session
    was given back to the program (not a late cancellation)."""
    payment = Payment.objects.select_for_update().filter(appointment=appointment).first()
    if payment is None:
        return
    if payment.status in (Status.PENDING, Status.DUE):
        had_page = payment.status == Status.PENDING and payment.checkout_session_id
        payment.status = Status.CANCELLED
        payment.save(update_fields=["status", "updated_at"])
        if had_page:
            transaction.on_commit(lambda: _tasks().expire_checkout.enqueue(payment_id=payment.pk))
        return
    if payment.status == Status.SPONSORED:
        if not appointment.cancelled_late:
            _entry(payment, Kind.SPONSORED, -payment.amount_minor, f"sponsored-{payment.uuid}:void")
            payment.status = Status.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
        return
    if not payment.is_paid:
        return
    by_patient = appointment.cancelled_by_id == appointment.patient.user_id
    terms = policy.refund_terms(
        access.brand_settings(appointment.brand),
        paid_minor=payment.refundable_minor,
        start=appointment.start,
        now=timezone.now(),
        by_patient=by_patient,
    )
    if terms.amount_minor > 0:
        create_refund(
            payment=payment,
            amount_minor=terms.amount_minor,
            reason=_("Cancellation (%(percent)s%% under the cancellation policy)")
            % {"percent": terms.percent},
            acting_user=appointment.cancelled_by,
        )


def create_refund(
    *, payment: Payment, amount_minor: int, reason: str, acting_user, locked: bool = False
) -> Refund:
    """Decide a refund (inside a transaction); the provider is asked after commit."""
    if not locked:
        payment = _lock(payment)
    reason = (reason or "").strip()[:500]
    if not reason:
        raise PaymentError(_("Please give a reason for the refund."))
    pending = sum(
        r.amount_minor
        for r in payment.refunds.filter(status=Refund.Status.PENDING)
        if not r.provider_refund_id.startswith("dup:")
    )
    if (
        not payment.is_paid
        or amount_minor <= 0
        or amount_minor > payment.refundable_minor - pending
    ):
        raise PaymentError(_("A refund must be more than zero and at most what is left to refund."))
    refund = Refund.objects.create(
        payment=payment,
        amount_minor=amount_minor,
        reason=reason,
        requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audit.record(
        acting_user, "payments.refund_requested", payment, brand=payment.brand, amount=amount_minor
    )
    transaction.on_commit(lambda: _tasks().send_refund.enqueue(refund_id=refund.pk))
    return refund


@transaction.atomic
def refund_by_hand(
    *, payment: Payment, amount_minor: int, reason: str, acting_user, brand
) -> Refund:
    """Staff give money back by hand (any amount up to what is left), with a reason."""
    if payment.brand_id != brand.pk:
        raise PermissionDenied
    return create_refund(
        payment=payment, amount_minor=amount_minor, reason=reason, acting_user=acting_user
    )


def send_refund(refund_id: int, intent_id: str = "") -> bool:
    """The refund task: make the refund at the provider (idempotent by the refund's uuid),
    then record it. Offline refunds are handed back at the clinic and recorded at once."""
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None or refund.status != Refund.Status.PENDING:
        return False
    payment = refund.payment
    provider_id = f"offline-refund-{refund.uuid}"
    if payment.provider == Payment.Provider.STRIPE:
        try:
            made = stripe_api.refund(refund=refund, payment=payment, intent_id=intent_id)
        except stripe.InvalidRequestError as exc:
            # Stripe refuses it for good (e.g. already refunded there): staff see why and
            # may refund again; network and server errors raise and the task retries.
            _refund_failed(refund, getattr(exc, "user_message", None) or str(exc))
            audit.record(None, "payments.refund_failed", payment, brand=payment.brand)
            return False
        provider_id = made.id
        if getattr(made, "status", "succeeded") == "failed":
            _refund_failed(refund, _("Stripe could not make the refund."))
            return False
    record_refunded(refund, provider_id, duplicate=bool(intent_id))
    return True


def _refund_failed(refund: Refund, why: str) -> None:
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.FAILED, failure=str(why)[:300]
    )


@transaction.atomic
def record_refunded(refund: Refund, provider_refund_id: str, *, duplicate: bool = False) -> bool:
    """A refund the provider made: the payment's refunded amount and the ledger (the money,
    the fee given back in proportion, and the specialist's share) — exactly once."""
    payment = _lock(refund.payment)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status == Refund.Status.SUCCEEDED:
        return False
    now = timezone.now()
    refund.status = Refund.Status.SUCCEEDED
    refund.completed_at = now
    if not duplicate:
        refund.provider_refund_id = provider_refund_id
    refund.save(update_fields=["status", "completed_at", "provider_refund_id"])
    _entry(payment, Kind.REFUND, -refund.amount_minor, provider_refund_id, refund=refund, at=now)
    if duplicate:
        # The duplicate's money came in and goes out again: record both sides.
        _entry(payment, Kind.PAYMENT, refund.amount_minor, refund.provider_refund_id[4:], at=now)
        return True
    fee_back = payment.fee_minor * refund.amount_minor // payment.amount_minor
    _entry(payment, Kind.FEE, -fee_back, f"{provider_refund_id}:fee", refund=refund, at=now)
    if payment.flow == Payment.Flow.PLATFORM and payment.specialist_id:
        _entry(
            payment,
            Kind.PAYABLE,
            -(refund.amount_minor - fee_back),
            f"{provider_refund_id}:payable",
            refund=refund,
            at=now,
        )
    payment.refunded_minor += refund.amount_minor
    payment.status = (
        Status.REFUNDED
        if payment.refunded_minor >= payment.amount_minor
        else Status.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["refunded_minor", "status", "updated_at"])
    audit.record(
        None, "payments.refunded", payment, brand=payment.brand, amount=refund.amount_minor
    )
    hooks.payment_refunded.call(payment=payment, refund=refund)
    transaction.on_commit(lambda: _tasks().notify_refunded.enqueue(refund_id=refund.pk))
    return True


# --- Saved cards ------------------------------------------------------------------------------


def _customer_id(patient) -> str:
    customer = Customer.objects.filter(patient=patient).first()
    if customer is not None:
        return customer.customer_id
    made = stripe_api.create_customer(patient=patient)
    customer, _created = Customer.objects.get_or_create(
        patient=patient, defaults={"customer_id": made.id}
    )
    return customer.customer_id


def open_card_setup(*, patient, acting_user, success_url: str, cancel_url: str) -> str:
    if patient.user_id != acting_user.pk:
        raise PermissionDenied
    if not stripe_api.enabled():
        raise PaymentError(_("Cards cannot be saved here: this clinic takes payment in person."))
    session = stripe_api.create_setup_checkout(
        customer_id=_customer_id(patient),
        patient=patient,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    return session.url


def save_card_from_checkout(session_id: str, *, patient=None) -> SavedCard | None:
    """Keep the card a setup page saved (from the webhook or the browser's return; both
    read the session and its SetupIntent from Stripe)."""
    session = stripe_api.retrieve_checkout(session_id)
    if session.mode != "setup" or session.status != "complete" or not session.setup_intent:
        return None
    customer = (
        Customer.objects.select_related("patient").filter(customer_id=session.customer).first()
    )
    if customer is None or (patient is not None and customer.patient_id != patient.pk):
        return None
    intent = stripe_api.retrieve_setup_intent(str(session.setup_intent))
    method_id = str(intent.payment_method)
    method = stripe_api.retrieve_payment_method(method_id)
    card = getattr(method, "card", None)
    saved, created = SavedCard.objects.get_or_create(
        payment_method_id=method_id,
        defaults={
            "patient": customer.patient,
            "card_brand": str(getattr(card, "brand", "") or "")[:24],
            "last4": str(getattr(card, "last4", "") or "")[:4],
            "exp_month": getattr(card, "exp_month", None),
            "exp_year": getattr(card, "exp_year", None),
        },
    )
    if created:
        audit.record(
            customer.patient.user, "payments.card_saved", saved, brand=customer.patient.brand
        )
    return saved


@transaction.atomic
def set_card_authorizations(*, card: SavedCard, specialists, acting_user) -> SavedCard:
    """Which of their specialists the patient lets charge this card for later sessions."""
    if card.patient.user_id != acting_user.pk:
        raise PermissionDenied
    card.authorized_specialists.set(specialists)
    audit.record(
        acting_user,
        "payments.card_authorizations",
        card,
        brand=card.patient.brand,
        specialists=[str(s.uuid) for s in specialists],
    )
    return card


def remove_card(*, card: SavedCard, acting_user) -> None:
    """Detach the card at Stripe and forget it (every authorisation ends with it)."""
    if card.patient.user_id != acting_user.pk:
        raise PermissionDenied
    try:
        stripe_api.detach_payment_method(card.payment_method_id)
    except stripe.StripeError as exc:
        if getattr(exc, "http_status", None) != 404:
            raise PaymentError(
                _("Stripe could not remove the card just now. Please try again.")
            ) from exc
    audit.record(acting_user, "payments.card_removed", card, brand=card.patient.brand)
    card.delete()


def charge_saved_card(*, payment: Payment, acting_user) -> bool:
    """The specialist charges a due session to the card the patient authorised them on."""
    if payment.specialist is None or payment.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    if payment.status != Status.PENDING or payment.provider != Payment.Provider.STRIPE:
        raise PaymentError(_("This session is not waiting for payment."))
    card = access.card_authorizing(payment)
    if card is None:
        raise PaymentError(_("The patient has not authorised you to charge a saved card."))
    customer = Customer.objects.get(patient_id=payment.patient_id)
    try:
        intent = stripe_api.charge_saved_card(
            payment=payment,
            customer_id=customer.customer_id,
            payment_method_id=card.payment_method_id,
        )
    except stripe.StripeError as exc:
        message = getattr(exc, "user_message", None) or _("The card was declined.")
        audit.record(acting_user, "payments.card_charge_failed", payment, brand=payment.brand)
        raise PaymentError(_("The charge did not go through: %(why)s") % {"why": message}) from exc
    if intent.status != "succeeded":
        raise PaymentError(
            _("The charge needs the patient to confirm it; they have been asked to pay.")
        )
    audit.record(acting_user, "payments.card_charged", payment, brand=payment.brand)
    return record_paid(
        payment=payment, intent_id=intent.id, amount=intent.amount, acting_user=acting_user
    )


# --- Connect ----------------------------------------------------------------------------------


def connect_link(*, specialist, acting_user, refresh_url: str, return_url: str) -> str:
    """Stripe's onboarding page for the specialist's connected account (made on first use)."""
    if specialist.user_id != acting_user.pk:
        raise PermissionDenied
    if not stripe_api.enabled():
        raise PaymentError(_("Stripe is not configured on this platform."))
    account = ConnectedAccount.objects.filter(specialist=specialist).first()
    if account is None:
        made = stripe_api.create_account(specialist=specialist)
        account, _created = ConnectedAccount.objects.get_or_create(
            specialist=specialist, defaults={"account_id": made.id}
        )
        audit.record(acting_user, "payments.connect_started", account)
    link = stripe_api.onboarding_link(
        account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
    )
    return link.url


def refresh_account(account_id: str, data=None) -> ConnectedAccount | None:
    """Store what Stripe says about a connected account (webhook ``account.updated`` or the
    specialist coming back from onboarding)."""
    account = ConnectedAccount.objects.filter(account_id=account_id).first()
    if account is None:
        return None
    data = data or stripe_api.retrieve_account(account_id).to_dict()
    account.charges_enabled = bool(data.get("charges_enabled"))
    account.payouts_enabled = bool(data.get("payouts_enabled"))
    account.details_submitted = bool(data.get("details_submitted"))
    account.save(
        update_fields=["charges_enabled", "payouts_enabled", "details_submitted", "updated_at"]
    )
    return account


# --- Brand settings ---------------------------------------------------------------------------


@transaction.atomic
def save_settings(*, brand, acting_user, values: dict) -> PaymentSettings:
    rules = PaymentSettings.objects.select_for_update().filter(brand=brand).first()
    rules = rules or PaymentSettings(brand=brand)
    for field, value in values.items():
        setattr(rules, field, value)
    if rules.full_refund_hours < rules.partial_refund_hours:
        raise PaymentError(_("The full-refund notice must be at least the partial-refund notice."))
    rules.save()
    audit.record(
        acting_user,
        "payments.settings_changed",
        rules,
        brand=brand,
        **{k: str(v) for k, v in values.items()},
    )
    return rules
