"""Reminders before sessions: 24 hours and 1 hour before each confirmed session, as the
brand's booking policy turns them on (both by default).

Exactly once: a reminder is a ``Reminder`` row, unique per appointment, lead and start,
written in the same transaction as its in-app notifications (their emails are enqueued when
that transaction commits). A retried task, a second worker or a cron run that overlaps the
worker finds the row and sends nothing; a rolled-back send leaves no row, so it is sent on
the next run.

When: the worker runs :func:`send_due_reminders` at each reminder's moment (enqueued with
``run_after`` whenever a session is confirmed or moved: :func:`schedule_reminders`), and
``manage.py send_reminders`` runs it from cron. A reminder that was due while the worker was
down is sent when it comes back — but never once the session has started, and not the
day-before one once the hour-before one is due (one reminder, the nearer). A session booked
after a reminder's moment does not get that reminder (its booking notice just said when).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.scheduling.models import Appointment, BookingPolicy, Reminder
from hale.scheduling.notices import notify_appointment

DAY_BEFORE = 24 * 60
HOUR_BEFORE = 60
LEADS = (DAY_BEFORE, HOUR_BEFORE)  # longest first
NOTES = {
    DAY_BEFORE: _("It starts in 24 hours."),
    HOUR_BEFORE: _("It starts in one hour."),
}


def leads_for(policy: BookingPolicy | None) -> tuple[int, ...]:
    """The leads (minutes) a brand's policy turns on (both without a policy row)."""
    if policy is None:
        return LEADS
    on = {DAY_BEFORE: policy.remind_day_before, HOUR_BEFORE: policy.remind_hour_before}
    return tuple(lead for lead in LEADS if on[lead])


def _due(lead: int, now: dt.datetime):
    delta = dt.timedelta(minutes=lead)
    sent = Reminder.objects.filter(
        appointment=OuterRef("pk"), lead_minutes=lead, for_start=OuterRef("start")
    )
    return (
        Appointment.objects.filter(
            status=Appointment.Status.CONFIRMED,
            start__gt=now,
            start__lte=now + delta,
            created_at__lte=F("start") - delta,
        )
        .exclude(Exists(sent))
        .select_related("brand")
        .order_by("start", "pk")
    )


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Send every reminder that is due now; returns how many were sent."""
    now = now or timezone.now()
    policies: dict[int, BookingPolicy | None] = {}
    sent = 0
    for lead in LEADS:
        for appointment in _due(lead, now):
            if appointment.brand_id not in policies:
                policies[appointment.brand_id] = BookingPolicy.objects.filter(
                    brand_id=appointment.brand_id
                ).first()
            leads = leads_for(policies[appointment.brand_id])
            if lead not in leads:
                continue
            nearer = [
                n for n in leads if n < lead and appointment.start - dt.timedelta(minutes=n) <= now
            ]
            if nearer:
                continue  # the hour-before reminder is due as well: send that one only
            if _send(appointment, lead):
                sent += 1
    return sent


def _send(appointment: Appointment, lead: int) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                appointment=appointment, lead_minutes=lead, for_start=appointment.start
            )
            notify_appointment(appointment, "appointment.reminder", note=NOTES[lead], now=True)
    except IntegrityError:
        return False  # another run sent it a moment ago
    return True


def reminder_moments(appointment: Appointment) -> list[dt.datetime]:
    """When the reminders of ``appointment`` fall due (for the worker's ``run_after``)."""
    return [appointment.start - dt.timedelta(minutes=lead) for lead in LEADS]
