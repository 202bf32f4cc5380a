"""Clinical leads: scoped reads and the actions around ``Supervision``.

A lead sees only the supervisees named in a Supervision row, only the patients of that row's
brand who are (or were) in the supervisee's care, and only their sessions with the supervisee.
Everything else answers 404. Reading a patient's history is itself an action: it writes a
``supervision.history_viewed`` audit row in the same transaction as the read.
"""

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import Patient
from hale.core import audit
from hale.matching.actions import MatchingError
from hale.matching.models import Supervision
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist

# --- Reads ------------------------------------------------------------------------------------


def lead_supervisions(lead: Specialist) -> QuerySet[Supervision]:
    return (
        Supervision.objects.filter(lead=lead)
        .select_related("brand", "supervisee")
        .order_by("brand__name", "supervisee__display_name", "pk")
    )


def access_lead_supervision(lead: Specialist, supervision_id: uuid.UUID) -> Supervision:
    """The lead's own supervision row; 404 for anyone else's (and for unknown ids)."""
    supervision = lead_supervisions(lead).filter(uuid=supervision_id).first()
    if supervision is None:
        raise Http404
    return supervision


def supervised_patients(supervision: Supervision) -> QuerySet[Patient]:
    """Patients of the supervision's brand who had a session or a care relationship with the
    supervisee."""
    return (
        Patient.objects.filter(brand=supervision.brand, erased_at__isnull=True)
        .filter(
            Q(appointments__specialist=supervision.supervisee)
            | Q(care_relationships__specialist=supervision.supervisee)
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def access_supervised_patient(supervision: Supervision, patient_id: uuid.UUID) -> Patient:
    patient = supervised_patients(supervision).filter(uuid=patient_id).first()
    if patient is None:
        raise Http404
    return patient


def staff_supervisions(brand) -> QuerySet[Supervision]:
    return (
        Supervision.objects.filter(brand=brand)
        .select_related("lead", "supervisee")
        .order_by("lead__display_name", "supervisee__display_name", "pk")
    )


def access_staff_supervision(brand, supervision_id: uuid.UUID) -> Supervision:
    supervision = staff_supervisions(brand).filter(uuid=supervision_id).first()
    if supervision is None:
        raise Http404
    return supervision


def supervisable_specialists(brand) -> QuerySet[Specialist]:
    """Specialists staff may pair on ``brand``: approved and with a listing there (hidden or
    not)."""
    return (
        Specialist.objects.approved()
        .filter(listings__brand=brand)
        .distinct()
        .order_by("display_name", "pk")
    )


# --- Actions ----------------------------------------------------------------------------------


@transaction.atomic
def add_supervision(*, brand, lead: Specialist, supervisee: Specialist, acting_user) -> Supervision:
    """Make ``lead`` the clinical lead of ``supervisee`` on ``brand`` (both must be listed
    there)."""
    if lead.pk == supervisee.pk:
        raise MatchingError(_("A specialist cannot supervise themselves."))
    listed = set(
        supervisable_specialists(brand)
        .filter(pk__in=[lead.pk, supervisee.pk])
        .values_list("pk", flat=True)
    )
    if listed != {lead.pk, supervisee.pk}:
        raise MatchingError(_("Both specialists must be listed on this brand."))
    try:
        with transaction.atomic():
            supervision = Supervision.objects.create(
                brand=brand, lead=lead, supervisee=supervisee, created_by=acting_user
            )
    except IntegrityError:
        raise MatchingError(_("This lead already supervises this specialist.")) from None
    audit.record(
        acting_user,
        "supervision.added",
        supervision,
        brand=brand,
        lead=str(lead.uuid),
        supervisee=str(supervisee.uuid),
    )
    return supervision


@transaction.atomic
def remove_supervision(*, supervision: Supervision, acting_user) -> None:
    audit.record(
        acting_user,
        "supervision.removed",
        supervision,
        brand=supervision.brand,
        lead=str(supervision.lead.uuid),
        supervisee=str(supervision.supervisee.uuid),
    )
    supervision.delete()


@transaction.atomic
def view_patient_history(
    *, supervision: Supervision, patient: Patient, acting_user
) -> list[Appointment]:
    """The patient's sessions with the supervisee (newest first), read for the lead. The read
    is audited in the same transaction, so no history leaves without its audit row."""
    if patient.brand_id != supervision.brand_id:
        raise Http404
    appointments = list(
        Appointment.objects.filter(
            brand=supervision.brand, patient=patient, specialist=supervision.supervisee
        )
        .select_related("brand")
        .order_by("-start", "-pk")
    )
    audit.record(
        acting_user,
        "supervision.history_viewed",
        patient,
        brand=supervision.brand,
        supervision=str(supervision.uuid),
        supervisee=str(supervision.supervisee.uuid),
        sessions=len(appointments),
    )
    return appointments
