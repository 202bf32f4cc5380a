"""Payments: each brand's money rules, what patients pay (``Payment``), what is given back
(``Refund``), the append-only ``LedgerEntry`` every report is computed from, Stripe's webhook
events (kept once by id), specialists' connected Stripe accounts and patients' saved cards.

Money is always an integer amount in the currency's minor units (cents) with its ISO 4217
code; nothing here holds a float.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentSettings(models.Model):
    """A brand's money rules (defaults apply without a row, see ``access.brand_settings``)."""

    class Flow(models.TextChoices):
        CONNECT = (
            "connect",
            _("Stripe Connect: specialists are paid directly, the platform keeps a commission"),
        )
        PLATFORM = "platform", _("The platform takes payment and pays specialists their share")

    brand = models.OneToOneField(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="payment_settings"
    )
    flow = models.CharField(
        _("money flow"), max_length=16, choices=Flow.choices, default=Flow.PLATFORM
    )
    commission_percent = models.PositiveSmallIntegerField(
        _("commission (%)"),
        default=15,
        validators=[MaxValueValidator(100)],
        help_text=_("The platform's share of each paid session."),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("payment hold (minutes)"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
        help_text=_("How long a booked time is held while the patient pays."),
    )
    pay_before_joining = models.BooleanField(
        _("payment up front"),
        default=True,
        help_text=_("Patients pay when they book; unpaid sessions cannot be joined."),
    )
    full_refund_hours = models.PositiveSmallIntegerField(
        _("full refund notice (hours)"),
        default=48,
        help_text=_("Cancelling at least this long before the start refunds everything."),
    )
    partial_refund_hours = models.PositiveSmallIntegerField(
        _("partial refund notice (hours)"),
        default=24,
        help_text=_(
            "Cancelling at least this long before the start (but later than the full-refund "
            "notice) refunds the share below."
        ),
    )
    partial_refund_percent = models.PositiveSmallIntegerField(
        _("partial refund (%)"), default=50, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(full_refund_hours__gte=models.F("partial_refund_hours")),
                name="pay_full_notice_covers_partial",
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand}: {self.flow}"


class ConnectedAccount(models.Model):
    """A specialist's Stripe Connect account (Express), as Stripe last told us."""

    specialist = models.OneToOneField(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="stripe_account"
    )
    account_id = models.CharField(max_length=64, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connected Stripe account")
        verbose_name_plural = _("connected Stripe accounts")

    def __str__(self) -> str:
        return self.account_id


class Payment(models.Model):
    """One amount a patient owes or paid: a session (booked and held, or due after a
    proposal), later an order. ``provider`` is Stripe or the offline "pay at the clinic"
    provider; ``flow`` says where the money goes (connected account, platform, or a
    sponsoring organisation for program sessions, which cost the patient nothing)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        DUE = "due", _("Due (pay at the clinic)")
        PAID = "paid", _("Paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")
        SPONSORED = "sponsored", _("Covered by your organisation")

    class Provider(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        OFFLINE = "offline", _("Pay at the clinic / invoice")
        SPONSOR = "sponsor", _("Organisation")

    class Flow(models.TextChoices):
        CONNECT = "connect", _("Direct to the specialist")
        PLATFORM = "platform", _("Through the clinic")
        SPONSORED = "sponsored", _("Billed to the organisation")

    PAID_STATUSES = ("paid", "partially_refunded", "refunded")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("receipt number"), max_length=24, unique=True)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.PROTECT, related_name="payments"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment",
    )
    organization = models.ForeignKey(
        "matching.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=200)
    amount_minor = models.PositiveIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    fee_minor = models.PositiveIntegerField(_("platform fee"), default=0)
    refunded_minor = models.PositiveIntegerField(_("refunded"), default=0)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    flow = models.CharField(max_length=16, choices=Flow.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    stripe_account = models.CharField(max_length=64, blank=True)
    checkout_session_id = models.CharField(max_length=128, blank=True)
    payment_intent_id = models.CharField(max_length=128, blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="pay_patient_idx"),
            models.Index(fields=["brand", "status"], name="pay_brand_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["payment_intent_id"],
                condition=~Q(payment_intent_id=""),
                name="pay_one_per_intent",
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=models.F("amount_minor")),
                name="pay_refund_at_most_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.amount_minor} {self.currency} ({self.status})"

    @property
    def is_paid(self) -> bool:
        return self.status in self.PAID_STATUSES

    @property
    def refundable_minor(self) -> int:
        return self.amount_minor - self.refunded_minor if self.is_paid else 0


class Refund(models.Model):
    """Money given back: by the brand's policy when a session is cancelled, or by staff by
    hand with a reason. Made in the provider after commit (``tasks.send_refund``) with the
    refund's uuid as the idempotency key, so a retry never refunds twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being refunded")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Refund failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveIntegerField(_("amount"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    provider_refund_id = models.CharField(max_length=128, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.amount_minor} ({self.status})"


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The ledger is append-only.")

    def delete(self):
        raise TypeError("The ledger is append-only.")


class LedgerEntry(models.Model):
    """One movement of money, never changed or deleted (corrections are new entries).

    Kinds: PAYMENT (the patient paid ``amount``), REFUND (given back), FEE (the platform's
    commission on a payment, negative on a refunded share), PAYABLE (the specialist's share
    the platform owes them, platform flow), SPONSORED (a session billable to an
    organisation). Amounts are signed minor units: what a refund takes back is negative.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        FEE = "fee", _("Platform fee")
        PAYABLE = "payable", _("Payable to the specialist")
        SPONSORED = "sponsored", _("Billable to the organisation")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount_minor = models.IntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger")
    refund = models.ForeignKey(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.PROTECT, related_name="+")
    specialist = models.ForeignKey(
        "specialists.Specialist", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "accounts.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "matching.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(max_length=16, choices=Payment.Provider.choices)
    # The provider's id of what this entry records (payment intent, refund): with ``kind`` it
    # is unique, so a replayed webhook cannot record a payment twice.
    external_id = models.CharField(max_length=128)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["specialist", "at"], name="ledger_specialist_at_idx"),
            models.Index(fields=["brand", "at"], name="ledger_brand_at_idx"),
            models.Index(fields=["patient", "at"], name="ledger_patient_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="ledger_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_minor} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The ledger is append-only.")


class WebhookEvent(models.Model):
    """A Stripe event we received, kept once by its id (a replay finds it and does nothing)."""

    event_id = models.CharField(max_length=128, unique=True)
    type = models.CharField(max_length=80)
    account = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class Customer(models.Model):
    """The Stripe customer of a patient (one per patient record, i.e. per brand)."""

    patient = models.OneToOneField(
        "accounts.Patient", on_delete=models.CASCADE, related_name="stripe_customer"
    )
    customer_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe customer")
        verbose_name_plural = _("Stripe customers")

    def __str__(self) -> str:
        return self.customer_id


class SavedCard(models.Model):
    """A card a patient saved (Stripe SetupIntent), and the specialists they authorised to
    charge it for later sessions. Removing it detaches it at Stripe and ends every
    authorisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="saved_cards"
    )
    payment_method_id = models.CharField(max_length=128, unique=True)
    card_brand = models.CharField(_("card"), max_length=24, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    authorized_specialists = models.ManyToManyField(
        "specialists.Specialist", blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")

    def __str__(self) -> str:
        return f"{self.card_brand} •••• {self.last4}"
