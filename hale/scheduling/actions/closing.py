"""Closing open appointments and requests when a patient or specialist deletes their account
(called by ``hale.scheduling.data_rights``)."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hale.core import audit
from hale.scheduling.actions.booking import cancellation_is_late
from hale.scheduling.actions.common import (
    lock_appointment,
    lock_specialist,
    save_cancelled,
)
from hale.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AvailabilityRequest,
)
from hale.scheduling.notices import notify_appointment, notify_request

logger = logging.getLogger(__name__)

Status = Appointment.Status


ACCOUNT_CLOSED_REASON = gettext_lazy("The account was closed.")
_ACCOUNT_CLOSED_NOTE = gettext_lazy("Reason: %(other)s closed their account.")


def _closing_side(obj, closing_user, acting_user) -> bool:
    """True when ``closing_user`` is the patient of ``obj`` (an appointment or a request),
    False when they are its specialist; only they or an operator may close."""
    if acting_user.pk != closing_user.pk and not acting_user.is_superuser:
        raise PermissionDenied
    if obj.patient.user_id == closing_user.pk:
        return True
    if obj.specialist.user_id == closing_user.pk:
        return False
    raise PermissionDenied


def _names_now(obj) -> dict:
    return {
        "patient": obj.patient.full_name or obj.patient.email,
        "specialist": obj.specialist.display_name,
    }


@transaction.atomic
def close_appointment_for_deleted_account(
    *, appointment: Appointment, closing_user, acting_user
) -> Appointment | None:
    """``closing_user`` (the patient or the specialist) is deleting their account; called by
    the data-rights eraser before anything is anonymised (``acting_user`` is they or the
    operator deleting it).

    A booking that has not started is cancelled (a patient's late closure counts as late, as
    in ``cancel_appointment``); an open proposal is declined (patient) or withdrawn
    (specialist). The other side gets the usual notice, naming the person as they were
    before anonymisation and saying why. Past, running and closed appointments are kept as
    they are (None is returned): they are records we must keep.
    """
    is_patient = _closing_side(appointment, closing_user, acting_user)
    names = _names_now(appointment)
    reason = str(ACCOUNT_CLOSED_REASON)
    lock_specialist(appointment.specialist)
    appointment = lock_appointment(appointment)
    now = timezone.now()
    previous = appointment.status
    if appointment.is_booked and appointment.start > now:
        kind = AppointmentEvent.Kind.CANCELLED
        appointment.status = Status.CANCELLED
        appointment.cancelled_late = is_patient and cancellation_is_late(appointment, now)
    elif appointment.effective_status(now) == Status.PROPOSED:
        if is_patient:
            kind, appointment.status = AppointmentEvent.Kind.DECLINED, Status.DECLINED
        else:
            kind, appointment.status = AppointmentEvent.Kind.WITHDRAWN, Status.CANCELLED
    else:
        return None
    save_cancelled(appointment, reason=reason, cancelled_by=closing_user)
    AppointmentEvent.record(
        appointment,
        kind,
        actor=acting_user,
        from_status=previous,
        reason=reason,
        account_closed=True,
        late=appointment.cancelled_late,
    )
    audit.record(
        acting_user,
        "scheduling.appointment_closed_account_deleted",
        appointment,
        brand=appointment.brand,
        event=kind,
    )
    notify_appointment(appointment, f"appointment.{kind}", names=names, note=_ACCOUNT_CLOSED_NOTE)
    return appointment


@transaction.atomic
def close_request_for_deleted_account(
    *, request: AvailabilityRequest, closing_user, acting_user
) -> AvailabilityRequest | None:
    """Close an open availability request of ``closing_user`` (see
    ``close_appointment_for_deleted_account``): it is declined with the account-closed
    reason. When the specialist's account closes the patient is told; when the patient's
    does, the request just leaves the specialist's open list. Returns None if not open."""
    is_patient = _closing_side(request, closing_user, acting_user)
    names = _names_now(request)
    request = AvailabilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.effective_status() != AvailabilityRequest.Status.OPEN:
        return None
    request.status = AvailabilityRequest.Status.DECLINED
    request.decline_reason = str(ACCOUNT_CLOSED_REASON)
    request.answered_at = timezone.now()
    request.answered_by = None if is_patient else closing_user
    request.save(update_fields=["status", "decline_reason", "answered_at", "answered_by"])
    audit.record(
        acting_user, "scheduling.request_closed_account_deleted", request, brand=request.brand
    )
    if not is_patient:
        notify_request(
            request.pk, "availability.declined", to_patient=True, to_specialist=False, names=names
        )
    return request
