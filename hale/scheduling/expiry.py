"""Recording expiry of proposals and availability requests (the tasks' and cron's job).

Pages are right without it (expiry derives from ``expires_at``); this only stores the
transition and tells people. Idempotent: a conditional update claims each row once, so a
retried run sends nothing twice.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from hale.scheduling.models import Appointment, AppointmentEvent, AvailabilityRequest
from hale.scheduling.notices import notify_appointment, notify_request

Status = Appointment.Status


def expire_proposals(*, now: dt.datetime | None = None) -> int:
    """Store EXPIRED on proposals past their expiry and send the notices (the task's job).

    Pages are right without it (expiry is derived from ``expires_at``); this only records
    the transition and tells people. Idempotent: a conditional update claims each row once.
    """
    now = now or timezone.now()
    ids = list(
        Appointment.objects.filter(status=Status.PROPOSED, expires_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=pk, status=Status.PROPOSED, expires_at__lte=now
            ).update(status=Status.EXPIRED, updated_at=now)
            if not claimed:
                continue
            appointment = Appointment.objects.get(pk=pk)
            AppointmentEvent.record(
                appointment,
                AppointmentEvent.Kind.EXPIRED,
                actor=None,
                from_status=Status.PROPOSED,
            )
            notify_appointment(appointment, "appointment.expired")
            done += 1
    return done


def expire_availability_requests(*, now: dt.datetime | None = None) -> int:
    """Record expiry of unanswered requests and notify both sides (the task's job).

    Pages are right without it (expiry derives from ``expires_at``). Idempotent: a
    conditional update claims each request once, so a retried run sends nothing twice.
    """
    now = now or timezone.now()
    ids = list(
        AvailabilityRequest.objects.filter(
            status=AvailabilityRequest.Status.OPEN, expires_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            claimed = AvailabilityRequest.objects.filter(
                pk=pk, status=AvailabilityRequest.Status.OPEN, expires_at__lte=now
            ).update(status=AvailabilityRequest.Status.EXPIRED, expiry_notified_at=now)
            if not claimed:
                continue
            notify_request(pk, "availability.expired", to_patient=True, to_specialist=True)
            done += 1
    return done
