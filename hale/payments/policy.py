"""What a cancellation gives back under the brand's policy.

A specialist (or the clinic) cancelling refunds everything. A patient cancelling at least
``full_refund_hours`` before the start gets everything back; at least
``partial_refund_hours`` before, ``partial_refund_percent`` of it (rounded down to the minor
unit, so the clinic never refunds more than the policy says); later, nothing. The boundaries
are inclusive: exactly 48 hours before is "at least 48 hours".
"""

import datetime as dt
from dataclasses import dataclass

from hale.payments.models import PaymentSettings


@dataclass(frozen=True)
class RefundTerms:
    amount_minor: int
    percent: int


def refund_terms(
    rules: PaymentSettings,
    *,
    paid_minor: int,
    start: dt.datetime,
    now: dt.datetime,
    by_patient: bool,
) -> RefundTerms:
    if paid_minor <= 0:
        return RefundTerms(0, 0)
    if not by_patient:
        return RefundTerms(paid_minor, 100)
    notice = start - now
    if notice >= dt.timedelta(hours=rules.full_refund_hours):
        return RefundTerms(paid_minor, 100)
    if notice >= dt.timedelta(hours=rules.partial_refund_hours):
        percent = rules.partial_refund_percent
        return RefundTerms(paid_minor * percent // 100, percent)
    return RefundTerms(0, 0)


def commission(rules: PaymentSettings, amount_minor: int) -> int:
    """The platform's share of ``amount_minor``, rounded half up to the minor unit."""
    return (amount_minor * rules.commission_percent + 50) // 100
