"""What the patient's home page shows: the next sessions, what waits for an answer, the counts
of each summary card and recent orders, drawn from every app in a fixed number of queries
(however many appointments, messages or orders the patient has)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from hale.accounts.models import Patient
from hale.consents.access import patient_status
from hale.intake.access import pending_count as pending_form_count
from hale.messaging.access import Viewer, unread_total
from hale.messaging.models import Side
from hale.scheduling import access as scheduling
from hale.scheduling.actions import can_reschedule
from hale.scheduling.models import Appointment, AvailabilityRequest
from hale.shop.models import Order
from hale.tenancy.models import Brand, PlanFeature
from hale.video import access as video_access

NEXT_SHOWN = 3
WAITING_SHOWN = 5
RECENT_ORDERS = 3
PENDING_ORDER_STATUSES = (Order.Status.PENDING, Order.Status.PROCESSING)


@dataclass
class NextSession:
    appointment: Appointment
    can_reschedule: bool
    joinable: bool


@dataclass
class PatientDashboard:
    upcoming_count: int = 0
    next_sessions: list[NextSession] = field(default_factory=list)
    proposals: list[Appointment] = field(default_factory=list)
    requests: list[AvailabilityRequest] = field(default_factory=list)
    unread_messages: int = 0
    to_sign: int = 0
    forms: int = 0
    shop: bool = False
    orders_pending: int = 0
    orders_ready: int = 0
    recent_orders: list[Order] = field(default_factory=list)
    video_open: list[Appointment] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        return bool(self.proposals or self.requests)


def patient_dashboard(
    patient: Patient, brand: Brand, now: dt.datetime | None = None, *, user=None
) -> PatientDashboard:
    """``user`` is the patient's signed-in user when the caller has it (saves reading it)."""
    now = now or timezone.now()
    board = PatientDashboard()
    rows = scheduling.patient_appointments(patient)
    booked = (
        rows.upcoming(now)
        .filter(status__in=Appointment.BOOKED_STATUSES)
        .exclude(status=Appointment.Status.PENDING_PAYMENT, expires_at__lte=now)
    )
    board.upcoming_count = booked.count()
    if video_access.FEATURE in (brand.features or []):
        board.video_open = video_access.open_now(rows, now)
    joinable = {a.pk for a in board.video_open}
    upcoming = list(booked[:NEXT_SHOWN])
    notice_hours = scheduling.cancellation_notice_hours(brand) if upcoming else 0
    for appointment in upcoming:
        board.next_sessions.append(
            NextSession(
                appointment=appointment,
                can_reschedule=can_reschedule(appointment, now, notice_hours),
                joinable=appointment.pk in joinable,
            )
        )
    board.proposals = list(
        rows.filter(status=Appointment.Status.PROPOSED, start__gt=now)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("start", "pk")[:WAITING_SHOWN]
    )
    board.requests = list(
        scheduling.patient_requests(patient).open(now).order_by("-created_at")[:WAITING_SHOWN]
    )
    viewer = Viewer(user=user or patient.user, side=Side.PATIENT, brand=brand, patient=patient)
    board.unread_messages = unread_total(viewer)
    board.to_sign = patient_status(patient, now=now).pending_count
    board.forms = pending_form_count(patient)
    if brand.plan_includes(PlanFeature.ORDERS):
        board.shop = True
        orders = Order.objects.filter(patient=patient, brand_id=patient.brand_id)
        order_counts = orders.aggregate(
            pending=Count("pk", filter=Q(status__in=PENDING_ORDER_STATUSES)),
            ready=Count("pk", filter=Q(status=Order.Status.READY)),
        )
        board.orders_pending = order_counts["pending"]
        board.orders_ready = order_counts["ready"]
        board.recent_orders = list(
            orders.select_related("payment").order_by("-placed_at", "-pk")[:RECENT_ORDERS]
        )
    return board
