"""Figures computed from the ledger only (so a report always equals the ledger): a
specialist's revenue at a glance and by month, monthly sales reports per specialist and per
brand (CSV and PDF), and receipts.

A specialist's revenue is what patients paid for their sessions less refunds and the
platform's commission: the same figure in both money flows (on Connect it reached their
account; on the platform flow it is what the platform owes them).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.core.pdf import PdfBuilder
from hale.payments.models import LedgerEntry, Payment
from hale.payments.templatetags.money import money

Kind = LedgerEntry.Kind
REVENUE_KINDS = (Kind.PAYMENT, Kind.REFUND)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    lo = dt.datetime.combine(month_start(month), dt.time.min, tzinfo=zone)
    hi = dt.datetime.combine(add_months(month, 1), dt.time.min, tzinfo=zone)
    return lo, hi


@dataclass
class Totals:
    """Sums of one currency: gross (paid), refunded, fees, net to the specialist,
    billable to organisations."""

    currency: str
    paid: int = 0
    refunded: int = 0
    fees: int = 0
    sponsored: int = 0

    @property
    def net(self) -> int:
        return self.paid + self.refunded - self.fees


def totals(entries: QuerySet[LedgerEntry]) -> list[Totals]:
    """Per currency, from one grouped query."""
    found: dict[str, Totals] = {}
    rows = entries.order_by().values("currency", "kind").annotate(total=Sum("amount_minor"))
    for row in rows:
        t = found.setdefault(row["currency"], Totals(row["currency"]))
        if row["kind"] == Kind.PAYMENT:
            t.paid += row["total"]
        elif row["kind"] == Kind.REFUND:
            t.refunded += row["total"]
        elif row["kind"] == Kind.FEE:
            t.fees += row["total"]
        elif row["kind"] == Kind.SPONSORED:
            t.sponsored += row["total"]
    return sorted(found.values(), key=lambda t: t.currency)


def in_month(entries: QuerySet[LedgerEntry], month: dt.date) -> QuerySet[LedgerEntry]:
    lo, hi = _bounds(month)
    return entries.filter(at__gte=lo, at__lt=hi)


@dataclass
class Glance:
    this_month: list[Totals]
    last_month: list[Totals]
    months: list[dt.date]
    # currency → net per month (oldest first), for the chart
    series: dict[str, list[int]] = field(default_factory=dict)


def glance(entries: QuerySet[LedgerEntry], today: dt.date | None = None) -> Glance:
    """This month, last month and the last 12 months' net revenue, in three queries."""
    today = today or timezone.localdate()
    first = add_months(month_start(today), -11)
    lo, _hi = _bounds(first)
    months = [add_months(first, i) for i in range(12)]
    series: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    zone = timezone.get_current_timezone()
    rows = (
        entries.filter(at__gte=lo, kind__in=(Kind.PAYMENT, Kind.REFUND, Kind.FEE))
        .order_by()
        .values_list("at", "kind", "amount_minor", "currency")
    )
    for at, kind, amount, currency in rows:
        local = at.astimezone(zone).date()
        index = (local.year - first.year) * 12 + local.month - first.month
        if 0 <= index < 12:
            series[currency][index] += -amount if kind == Kind.FEE else amount
    return Glance(
        this_month=totals(in_month(entries, today)),
        last_month=totals(in_month(entries, add_months(month_start(today), -1))),
        months=months,
        series=dict(series),
    )


# --- Monthly sales report ---------------------------------------------------------------------

HEADER = [
    "date",
    "receipt",
    "kind",
    "brand",
    "specialist",
    "description",
    "provider",
    "amount_minor",
    "currency",
]


def report_rows(entries: QuerySet[LedgerEntry]) -> list[list]:
    zone = timezone.get_current_timezone()
    rows = []
    for entry in entries.select_related("payment", "brand", "specialist").order_by("at", "pk"):
        rows.append(
            [
                entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                entry.payment.number,
                entry.kind,
                entry.brand.name,
                entry.specialist.display_name if entry.specialist else "",
                entry.payment.description,
                entry.provider,
                entry.amount_minor,
                entry.currency,
            ]
        )
    return rows


def report_pdf(*, title: str, entries: QuerySet[LedgerEntry], month: dt.date) -> bytes:
    builder = PdfBuilder(title=title, subject=_("Monthly sales report"))
    builder.heading(title)
    builder.paragraph(month.strftime("%Y-%m"), small=True)
    builder.spacer()
    builder.heading(_("Totals"), level=2)
    sums = totals(entries)
    if not sums:
        builder.paragraph(_("No payments or refunds this month."))
    for t in sums:
        builder.facts(
            [
                (_("Paid"), money(t.paid, t.currency)),
                (_("Refunded"), money(t.refunded, t.currency)),
                (_("Platform fees"), money(t.fees, t.currency)),
                (_("Net to specialists"), money(t.net, t.currency)),
                (_("Billable to organisations"), money(t.sponsored, t.currency)),
            ]
        )
        builder.spacer()
    rows = report_rows(entries)
    if rows:
        builder.heading(_("Entries"), level=2)
        labels = dict(LedgerEntry.Kind.choices)
        builder.table(
            [_("Date"), _("Receipt"), _("Kind"), _("Specialist"), _("Amount")],
            [[r[0], r[1], str(labels.get(r[2], r[2])), r[4], money(r[7], r[8])] for r in rows],
            widths_mm=[30, 32, 38, 40, 30],
        )
    return builder.build()


def receipt_pdf(payment: Payment) -> bytes:
    """A receipt: who paid what for what, when and how, and what was refunded since."""
    zone = timezone.get_current_timezone()
    title = _("Receipt %(number)s") % {"number": payment.number}
    builder = PdfBuilder(title=title, subject=_("Receipt"))
    builder.heading(payment.brand.name)
    builder.heading(title, level=2)
    facts = [
        (_("Receipt number"), payment.number),
        (_("Patient"), payment.patient.full_name or payment.patient.email),
        (_("For"), payment.description),
        (_("Amount"), money(payment.amount_minor, payment.currency)),
        (_("Paid by"), str(payment.get_provider_display())),
        (_("Status"), str(payment.get_status_display())),
    ]
    if payment.paid_at:
        facts.append((_("Paid on"), payment.paid_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")))
    if payment.appointment is not None:
        start = payment.appointment.start.astimezone(zone)
        facts.append((_("Session"), start.strftime("%Y-%m-%d %H:%M %Z")))
    builder.facts(facts)
    refunds = [r for r in payment.refunds.all() if r.status == r.Status.SUCCEEDED]
    if refunds:
        builder.spacer()
        builder.heading(_("Refunds"), level=3)
        builder.table(
            [_("Date"), _("Reason"), _("Amount")],
            [
                [
                    (r.completed_at or r.created_at).astimezone(zone).strftime("%Y-%m-%d"),
                    r.reason,
                    money(-r.amount_minor, payment.currency),
                ]
                for r in refunds
            ],
            widths_mm=[30, 100, 40],
        )
    return builder.build()
