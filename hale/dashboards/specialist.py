"""What the specialist's dashboard shows: activity of the last days, daily and monthly
statistics (sessions delivered, cancellations, no-shows, net revenue) for the chart, and the
items that need the specialist's attention. Every figure is one aggregate query (grouped in
the database by local day or month), so the page costs the same however much history a
practice has."""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from hale.consents.access import unsigned_before_sessions
from hale.matching.access import specialist_patients
from hale.matching.models import CareRelationship
from hale.messaging.access import Viewer, unread_total
from hale.messaging.models import Side
from hale.payments.access import specialist_ledger
from hale.payments.models import LedgerEntry
from hale.payments.reports import add_months, month_start
from hale.scheduling import access as scheduling
from hale.scheduling.models import Appointment
from hale.shop.models import Order
from hale.specialists.models import Specialist

RECENT_DAYS = 7  # "new" patients and bookings
DAILY_DAYS = 30
MONTHS = 12
SOON_DAYS = 7  # consents checked before sessions this close
SHOWN = 5
REVENUE_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND, LedgerEntry.Kind.FEE)
Status = Appointment.Status
STAT_STATUSES = (Status.COMPLETED, Status.CANCELLED, Status.NO_SHOW)


@dataclass
class Series:
    """One chart: labels (ISO dates) and, per label, the counts and net revenue."""

    labels: list[str]
    delivered: list[int]
    cancelled: list[int]
    no_shows: list[int]
    revenue: dict[str, list[int]]  # currency → minor units per label

    def as_json(self) -> dict:
        return asdict(self)

    def rows(self) -> list[tuple]:
        """(label, delivered, cancelled, no-shows, {currency: revenue}) for the table."""
        return [
            (
                label,
                self.delivered[i],
                self.cancelled[i],
                self.no_shows[i],
                {c: v[i] for c, v in self.revenue.items()},
            )
            for i, label in enumerate(self.labels)
        ]

    def totals(self) -> dict:
        return {
            "delivered": sum(self.delivered),
            "cancelled": sum(self.cancelled),
            "no_shows": sum(self.no_shows),
            "revenue": {c: sum(v) for c, v in self.revenue.items()},
        }


@dataclass
class ActionItems:
    proposals: list[Appointment] = field(default_factory=list)
    proposals_count: int = 0
    requests: list = field(default_factory=list)
    requests_count: int = 0
    unsigned: list = field(default_factory=list)  # (appointment, [template titles])
    orders_awaiting: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.proposals_count or self.requests_count or self.unsigned or self.orders_awaiting
        )


@dataclass
class SpecialistDashboard:
    unread_messages: int
    new_patients: int
    new_bookings: int
    today: int
    this_week: int
    upcoming: list[Appointment]
    transactions: list[LedgerEntry]
    daily: Series
    monthly: Series
    actions: ActionItems


def specialist_dashboard(specialist: Specialist, now: dt.datetime | None = None):
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    local_today = now.astimezone(zone).date()
    day_start = dt.datetime.combine(local_today, dt.time(), tzinfo=zone)
    week_start = day_start - dt.timedelta(days=local_today.weekday())
    rows = scheduling.specialist_appointments(specialist)
    booked = rows.filter(status__in=(Status.CONFIRMED, Status.PENDING_PAYMENT)).exclude(
        status=Status.PENDING_PAYMENT, expires_at__lte=now
    )
    recent = now - dt.timedelta(days=RECENT_DAYS)
    counts = booked.filter(
        start__lt=week_start + dt.timedelta(days=7), end__gt=week_start
    ).aggregate(
        today=Count("pk", filter=Q(start__lt=day_start + dt.timedelta(days=1), end__gt=day_start)),
        week=Count("pk", filter=Q(end__gt=week_start)),
    )
    viewer = Viewer(user=specialist.user, side=Side.SPECIALIST, specialist=specialist)
    return SpecialistDashboard(
        unread_messages=unread_total(viewer),
        new_patients=CareRelationship.objects.filter(
            specialist=specialist, started_at__gte=recent
        ).count(),
        new_bookings=rows.filter(
            created_at__gte=recent, status__in=(Status.CONFIRMED, Status.PENDING_PAYMENT)
        ).count(),
        today=counts["today"],
        this_week=counts["week"],
        upcoming=list(booked.upcoming(now)[:SHOWN]),
        transactions=list(specialist_ledger(specialist).order_by("-at", "-pk")[:SHOWN]),
        daily=_daily(specialist, rows, local_today, zone),
        monthly=_monthly(specialist, rows, local_today, zone),
        actions=_action_items(specialist, rows, booked, now),
    )


def _daily(specialist, rows, today: dt.date, zone) -> Series:
    first = today - dt.timedelta(days=DAILY_DAYS - 1)
    days = [first + dt.timedelta(days=i) for i in range(DAILY_DAYS)]
    lo = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    hi = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return _series(specialist, rows, days, lo, hi, TruncDate, zone, lambda d: d)


def _monthly(specialist, rows, today: dt.date, zone) -> Series:
    first = add_months(month_start(today), -(MONTHS - 1))
    months = [add_months(first, i) for i in range(MONTHS)]
    lo = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    hi = dt.datetime.combine(add_months(month_start(today), 1), dt.time(), tzinfo=zone)
    return _series(specialist, rows, months, lo, hi, TruncMonth, zone, _month_key)


def _month_key(value) -> dt.date:
    return value.date().replace(day=1) if isinstance(value, dt.datetime) else value.replace(day=1)


def _series(specialist, rows, buckets, lo, hi, trunc, zone, key) -> Series:
    index = {b: i for i, b in enumerate(buckets)}
    size = len(buckets)
    counts = {s: [0] * size for s in STAT_STATUSES}
    grouped = (
        rows.filter(start__gte=lo, start__lt=hi, status__in=STAT_STATUSES)
        .annotate(bucket=trunc("start", tzinfo=zone))
        .order_by()
        .values("bucket", "status")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        i = index.get(key(row["bucket"]))
        if i is not None:
            counts[row["status"]][i] = row["n"]
    revenue: dict[str, list[int]] = defaultdict(lambda: [0] * size)
    money = (
        specialist_ledger(specialist)
        .filter(at__gte=lo, at__lt=hi, kind__in=REVENUE_KINDS)
        .annotate(bucket=trunc("at", tzinfo=zone))
        .order_by()
        .values("bucket", "kind", "currency")
        .annotate(total=Sum("amount_minor"))
    )
    for row in money:
        i = index.get(key(row["bucket"]))
        if i is not None:
            # As on the payments page: payments and refunds (negative) less the platform fee.
            fee = row["kind"] == LedgerEntry.Kind.FEE
            revenue[row["currency"]][i] += -row["total"] if fee else row["total"]
    return Series(
        labels=[b.isoformat() for b in buckets],
        delivered=counts[Status.COMPLETED],
        cancelled=counts[Status.CANCELLED],
        no_shows=counts[Status.NO_SHOW],
        revenue=dict(sorted(revenue.items())),
    )


def _action_items(specialist, rows, booked, now) -> ActionItems:
    items = ActionItems()
    proposals = rows.filter(status=Status.PROPOSED, expires_at__gt=now).order_by("expires_at")
    items.proposals, items.proposals_count = _first_and_count(proposals)
    requests = scheduling.specialist_requests(specialist).open(now).order_by("expires_at")
    items.requests, items.requests_count = _first_and_count(requests)
    soon = booked.filter(start__gt=now, start__lt=now + dt.timedelta(days=SOON_DAYS)).order_by(
        "start", "pk"
    )
    items.unsigned = unsigned_before_sessions(list(soon.select_related("patient__brand")[:50]))
    care = CareRelationship.objects.filter(
        specialist=specialist, status=CareRelationship.Status.ACTIVE
    )
    items.orders_awaiting = Order.objects.filter(
        approval=Order.Approval.AWAITING,
        patient_id__in=care.values("patient_id"),
        brand_id__in=care.values("brand_id"),
    ).count()
    return items


def _first_and_count(qs) -> tuple[list, int]:
    """The first ``SHOWN`` rows and how many there are (counted only when there may be more)."""
    first = list(qs[:SHOWN])
    return first, len(first) if len(first) < SHOWN else qs.count()


def patient_list(specialist: Specialist, *, query: str = "", status: str = "active"):
    """The specialist's patients (newest care first) with their care (status, source, since)
    and their next and last session with this specialist, each a subquery of one query; and
    how many are active and ended, for the filter."""
    care = CareRelationship.objects.filter(specialist=specialist, patient=OuterRef("pk")).order_by(
        "-started_at", "-pk"
    )
    mine = Appointment.objects.filter(specialist=specialist, patient=OuterRef("pk"))
    now = timezone.now()
    patients = specialist_patients(specialist, active_only=False).annotate(
        care_status=Subquery(care.values("status")[:1]),
        care_source=Subquery(care.values("source")[:1]),
        care_since=Subquery(care.values("started_at")[:1]),
        next_start=Subquery(
            mine.filter(status__in=(Status.CONFIRMED, Status.PENDING_PAYMENT), start__gt=now)
            .order_by("start")
            .values("start")[:1]
        ),
        last_start=Subquery(
            mine.filter(status=Status.COMPLETED).order_by("-start").values("start")[:1]
        ),
    )
    counts = {
        row["care_status"]: row["n"]
        for row in patients.order_by().values("care_status").annotate(n=Count("pk"))
    }
    if query:
        patients = patients.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if status != "all":
        patients = patients.filter(care_status=status)
    return patients.order_by("-care_since", "pk"), {
        "active": counts.get("active", 0),
        "ended": counts.get("ended", 0),
    }


def label_care(patients: list) -> list:
    """Add the labels of the care status and source :func:`patient_list` annotated."""
    sources = dict(CareRelationship.Source.choices)
    statuses = dict(CareRelationship.Status.choices)
    for patient in patients:
        patient.care_source_label = sources.get(patient.care_source, "")
        patient.care_status_label = statuses.get(patient.care_status, "")
    return patients
