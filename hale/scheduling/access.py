"""Scoped reads for scheduling. Anything a user may not see answers 404, like a missing id."""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from hale.accounts.access import patient_record
from hale.accounts.models import Patient
from hale.scheduling.models import (
    Appointment,
    AppointmentQuerySet,
    AvailabilityRequest,
    AvailabilityRequestQuerySet,
    BookingPolicy,
    BusySource,
    SchedulePreferences,
    SessionType,
)
from hale.specialists.models import Specialist


def bookable_specialists(brand) -> QuerySet[Specialist]:
    """Specialists a patient of ``brand`` may book.

    The one place that decides it: approved specialists with a *listed* listing on
    ``brand`` (``hale.matching.models.Listing``); none without a brand.
    """
    if brand is None:
        return Specialist.objects.none()
    return (
        Specialist.objects.approved()
        .filter(listings__brand=brand, listings__visibility="listed")
        .select_related("user")
        .order_by("display_name", "pk")
    )


def access_bookable_specialist(brand, specialist_id: uuid.UUID) -> Specialist:
    specialist = bookable_specialists(brand).filter(uuid=specialist_id).first()
    if specialist is None:
        raise Http404
    return specialist


def patient_for(user, brand) -> Patient:
    """The signed-in user's patient record on ``brand``; 404 for anyone else."""
    patient = patient_record(user, brand)
    if patient is None:
        raise Http404
    return patient


def _appointment_rows() -> AppointmentQuerySet:
    return Appointment.objects.select_related("specialist", "specialist__user", "brand")


def patient_appointments(patient: Patient) -> AppointmentQuerySet:
    """A patient's appointments with what the list shows, in a constant number of queries."""
    return _appointment_rows().filter(patient=patient, brand_id=patient.brand_id)


def access_patient_appointment(user, brand, appointment_id: uuid.UUID) -> Appointment:
    """One of the signed-in patient's appointments on this brand; 404 otherwise."""
    patient = patient_for(user, brand)
    appointment = (
        patient_appointments(patient).select_related("patient").filter(uuid=appointment_id).first()
    )
    if appointment is None:
        raise Http404
    return appointment


def own_specialist(user) -> Specialist:
    """The signed-in user's approved specialist profile; 404 for everyone else (the
    schedule pages only exist for approved specialists)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    specialist = Specialist.objects.approved().select_related("user").filter(user=user).first()
    if specialist is None:
        raise Http404
    return specialist


def specialist_appointments(specialist: Specialist) -> AppointmentQuerySet:
    return Appointment.objects.select_related("patient", "brand").filter(specialist=specialist)


def access_specialist_appointment(specialist: Specialist, appointment_id) -> Appointment:
    appointment = specialist_appointments(specialist).filter(uuid=appointment_id).first()
    if appointment is None:
        raise Http404
    return appointment


def session_types_for(specialist: Specialist, *, active_only: bool = False):
    qs = SessionType.objects.filter(specialist=specialist)
    return qs.filter(is_active=True) if active_only else qs


def access_session_type(specialist: Specialist, session_type_id, *, active_only=False):
    session_type = (
        session_types_for(specialist, active_only=active_only).filter(uuid=session_type_id).first()
    )
    if session_type is None:
        raise Http404
    return session_type


def proposable_patients(specialist: Specialist) -> QuerySet[Patient]:
    """Patients ``specialist`` may propose a session to: those who have booked with them
    before or asked them for times."""
    return (
        Patient.objects.filter(
            Q(appointments__specialist=specialist)
            | Q(availability_requests__specialist=specialist),
            portal_enabled=True,
        )
        .exclude(user__isnull=True)
        .select_related("brand", "user")
        .distinct()
        .order_by("full_name", "email")
    )


def access_proposable_patient(specialist: Specialist, patient_id) -> Patient:
    patient = proposable_patients(specialist).filter(uuid=patient_id).first()
    if patient is None:
        raise Http404
    return patient


def cancellation_notice_hours(brand) -> int:
    """The brand's notice for penalty-free cancelling and rescheduling (default 24 h)."""
    policy = BookingPolicy.objects.filter(brand=brand).only("cancellation_notice_hours").first()
    if policy is None:
        return BookingPolicy.DEFAULT_CANCELLATION_NOTICE_HOURS
    return policy.cancellation_notice_hours


def request_response_hours(brand) -> int:
    """How long specialists have to answer an availability request on ``brand`` (48 h)."""
    policy = BookingPolicy.objects.filter(brand=brand).only("request_response_hours").first()
    if policy is None:
        return BookingPolicy.DEFAULT_REQUEST_RESPONSE_HOURS
    return policy.request_response_hours


def patient_requests(patient: Patient) -> AvailabilityRequestQuerySet:
    """A patient's availability requests on their brand, with what the list shows."""
    return AvailabilityRequest.objects.select_related("specialist", "session_type").filter(
        patient=patient, brand_id=patient.brand_id
    )


def access_patient_request(user, brand, request_id) -> AvailabilityRequest:
    """One of the signed-in patient's requests on this brand; 404 otherwise."""
    patient = patient_for(user, brand)
    found = patient_requests(patient).filter(uuid=request_id).first()
    if found is None:
        raise Http404
    return found


def specialist_requests(specialist: Specialist) -> AvailabilityRequestQuerySet:
    return AvailabilityRequest.objects.select_related("patient", "brand", "session_type").filter(
        specialist=specialist
    )


def access_specialist_request(specialist: Specialist, request_id) -> AvailabilityRequest:
    found = specialist_requests(specialist).filter(uuid=request_id).first()
    if found is None:
        raise Http404
    return found


def schedule_preferences(specialist: Specialist) -> SchedulePreferences:
    """The specialist's preferences, or unsaved defaults (no write on read)."""
    prefs = (
        SchedulePreferences.objects.select_related("default_session_type")
        .filter(specialist=specialist)
        .first()
    )
    return prefs or SchedulePreferences(specialist=specialist)


def busy_sources_for(specialist: Specialist) -> QuerySet[BusySource]:
    return BusySource.objects.filter(specialist=specialist)
