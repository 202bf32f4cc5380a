"""Availability requests: a patient asks a specialist for times; the specialist proposes or
declines within the brand's response window."""

import datetime as dt
import logging
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.accounts.models import Patient
from hale.core import audit
from hale.core.zones import known_zones
from hale.scheduling import access
from hale.scheduling.actions.common import (
    clean_reason,
    lock_specialist,
)
from hale.scheduling.errors import SchedulingError
from hale.scheduling.models import (
    Appointment,
    AvailabilityRequest,
    SessionType,
)
from hale.scheduling.notices import notify_request
from hale.scheduling.tasks import schedule_request_expiry
from hale.scheduling.windows import TimeWindow
from hale.scheduling.windows import checked as checked_windows
from hale.specialists.models import Specialist

logger = logging.getLogger(__name__)

Status = Appointment.Status


REQUEST_TEXT_MAX = 1000


def answer_request(
    request: AvailabilityRequest, *, specialist, patient, acting_user
) -> AvailabilityRequest:
    """Inside ``propose_appointment`` (specialist locked): mark an open request answered."""
    request = AvailabilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.specialist_id != specialist.pk or request.patient_id != patient.pk:
        raise PermissionDenied
    status = request.effective_status()
    if status == AvailabilityRequest.Status.EXPIRED:
        raise SchedulingError(_("This request has expired."))
    if status == AvailabilityRequest.Status.DECLINED:
        raise SchedulingError(_("You declined this request."))
    if status == AvailabilityRequest.Status.OPEN:
        request.status = AvailabilityRequest.Status.ANSWERED
        request.answered_at = timezone.now()
        request.answered_by = acting_user
        request.save(update_fields=["status", "answered_at", "answered_by"])
        audit.record(acting_user, "scheduling.request_answered", request, brand=request.brand)
    return request


def _patient_zone(patient: Patient) -> str:
    user_zone = patient.user.time_zone if patient.user else ""
    return user_zone or patient.time_zone or patient.brand.default_time_zone or "UTC"


@transaction.atomic
def request_availability(
    *,
    patient: Patient,
    specialist: Specialist,
    acting_user,
    windows: Sequence[TimeWindow],
    time_zone: str = "",
    preferred_times: str = "",
    message: str = "",
    session_type: SessionType | None = None,
) -> AvailabilityRequest:
    """A patient asks ``specialist`` for times: days and time ranges (``windows``, read in
    ``time_zone``, the patient's zone by default) and optional notes. The specialist has the
    brand's response window (``BookingPolicy.request_response_hours``) to answer; one open
    request per patient and specialist at a time."""
    if patient.user_id != acting_user.pk or not patient.portal_enabled:
        raise PermissionDenied
    if not access.bookable_specialists(patient.brand).filter(pk=specialist.pk).exists():
        raise PermissionDenied
    if session_type is not None and (
        session_type.specialist_id != specialist.pk or not session_type.is_active
    ):
        raise SchedulingError(_("This session type is not offered."))
    preferred_times = (preferred_times or "").strip()
    message = (message or "").strip()
    windows = checked_windows(windows)
    zone = time_zone or _patient_zone(patient)
    if zone not in known_zones():
        raise SchedulingError(_("Please choose a time zone we know."))
    if len(preferred_times) > REQUEST_TEXT_MAX or len(message) > REQUEST_TEXT_MAX:
        raise SchedulingError(_("Please keep each text under 1,000 characters."))
    lock_specialist(specialist)
    now = timezone.now()
    if (
        AvailabilityRequest.objects.open(now)
        .filter(patient=patient, specialist=specialist)
        .exists()
    ):
        raise SchedulingError(_("You already have a request waiting for this specialist's answer."))
    expires_at = now + dt.timedelta(hours=access.request_response_hours(patient.brand))
    request = AvailabilityRequest.objects.create(
        brand=patient.brand,
        patient=patient,
        specialist=specialist,
        session_type=session_type,
        preferred_windows=[w.to_json() for w in windows],
        preferred_zone=zone,
        preferred_times=preferred_times,
        message=message,
        expires_at=expires_at,
    )
    audit.record(acting_user, "scheduling.availability_requested", request, brand=patient.brand)
    schedule_request_expiry(expires_at)
    notify_request(request.pk, "availability.requested", to_patient=False, to_specialist=True)
    return request


@transaction.atomic
def decline_availability_request(
    *, request: AvailabilityRequest, acting_user, reason: str
) -> AvailabilityRequest:
    """The specialist cannot offer times; the patient is told why."""
    if request.specialist.user_id != acting_user.pk:
        raise PermissionDenied
    reason = clean_reason(reason)
    if not reason:
        raise SchedulingError(_("Please tell the patient why."))
    request = AvailabilityRequest.objects.select_for_update().get(pk=request.pk)
    status = request.effective_status()
    if status == AvailabilityRequest.Status.EXPIRED:
        raise SchedulingError(_("This request has expired."))
    if status != AvailabilityRequest.Status.OPEN:
        raise SchedulingError(_("This request has already been answered."))
    request.status = AvailabilityRequest.Status.DECLINED
    request.decline_reason = reason
    request.answered_at = timezone.now()
    request.answered_by = acting_user
    request.save(update_fields=["status", "decline_reason", "answered_at", "answered_by"])
    audit.record(acting_user, "scheduling.request_declined", request, brand=request.brand)
    notify_request(request.pk, "availability.declined", to_patient=True, to_specialist=False)
    return request
