"""Scoped reads of intake forms. Who is looking comes from ``hale.documents.access``
(the patient themself, an approved specialist, a brand's staff); anything the viewer may not
see answers 404 (``Denied``, audited by the middleware), exactly like what does not exist.

- A patient sees the forms sent to them.
- A specialist sees the forms of patients they have a care relationship with.
- Staff see every form of their brand and every patient's answers on it.
"""

import uuid

from django.db.models import QuerySet

from hale.accounts.models import Patient
from hale.core.access import Denied
from hale.documents.access import own_patient, own_specialist, staff_brand
from hale.intake.models import Assignment, FormVersion, IntakeForm
from hale.matching.access import has_care
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand

__all__ = ["own_patient", "own_specialist", "staff_brand"]


def _assignments() -> QuerySet[Assignment]:
    return Assignment.objects.select_related(
        "form", "version", "patient", "patient__brand", "appointment", "specialist"
    )


def patient_assignments(patient: Patient) -> QuerySet[Assignment]:
    """What the patient was asked to fill in (withdrawn ones left out)."""
    return (
        _assignments()
        .filter(patient=patient)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .order_by("status", "-sent_at", "-pk")
    )


def pending_count(patient: Patient | None) -> int:
    if patient is None:
        return 0
    return Assignment.objects.filter(patient=patient, status=Assignment.Status.PENDING).count()


def access_patient_assignment(patient: Patient, assignment_id: uuid.UUID) -> Assignment:
    assignment = patient_assignments(patient).filter(uuid=assignment_id).first()
    if assignment is None:
        raise Denied(Assignment, assignment_id)
    return assignment


def access_specialist_assignment(specialist: Specialist, assignment_id: uuid.UUID) -> Assignment:
    assignment = _assignments().filter(uuid=assignment_id).first()
    if assignment is None or not has_care(specialist, assignment.patient, active_only=False):
        raise Denied(Assignment, assignment_id)
    return assignment


def access_staff_assignment(brand: Brand, assignment_id: uuid.UUID) -> Assignment:
    assignment = _assignments().filter(uuid=assignment_id, patient__brand=brand).first()
    if assignment is None:
        raise Denied(Assignment, assignment_id)
    return assignment


def record_assignments(patient: Patient) -> QuerySet[Assignment]:
    """Every form of a patient, for their specialists and the brand's staff."""
    return _assignments().filter(patient=patient).order_by("-sent_at", "-pk")


def brand_forms(brand: Brand) -> QuerySet[IntakeForm]:
    return IntakeForm.objects.filter(brand=brand).prefetch_related("session_types")


def access_staff_form(brand: Brand, form_id) -> IntakeForm:
    form = brand_forms(brand).filter(uuid=form_id).first()
    if form is None:
        raise Denied(IntakeForm, form_id)
    return form


def current_version(form: IntakeForm) -> FormVersion | None:
    return form.versions.order_by("-number").first()


def sendable_forms(patient: Patient) -> QuerySet[IntakeForm]:
    """Active forms of the patient's brand that have questions."""
    return (
        IntakeForm.objects.filter(brand_id=patient.brand_id, is_active=True)
        .filter(versions__isnull=False)
        .distinct()
        .order_by("title", "pk")
    )
