"""Scoped reads of consents (who is looking: ``own_patient`` / ``own_specialist`` from
``hale.documents.access``): what a patient must sign, what they signed, and who may see a
signature. A signature or template the viewer may not see answers 404 (``Denied``, audited
by the middleware), exactly like one that does not exist.

What is pending for a patient (``patient_status``):

- sign-up, before-first-session and session-type templates: pending until a valid signature
  exists — one of the current version, or of any version when the template does not ask
  patients to sign new versions again;
- every-session templates: pending for each upcoming booked appointment without a signature
  made *for that appointment* (the simple rule: a signature tied to the appointment);
- any template an open ``ConsentRequest`` asks for: pending until signed after the request.

Templates of a program apply only to members of that program.

Patients sign online only on brands whose plan includes ``sign_documents`` (the Portal
add-on, :func:`signing_offered`). Elsewhere nothing is pending: patients could never sign, so
no requirement may hold them back; signatures made earlier stay readable by staff.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from hale.accounts.models import Patient
from hale.consents.models import (
    BOOKING_RULES,
    ConsentRequest,
    ConsentSignature,
    ConsentTemplate,
    ConsentVersion,
    Requirement,
)
from hale.core.access import Denied
from hale.documents.access import own_patient, own_specialist
from hale.matching.access import has_care
from hale.matching.models import ProgramMembership
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand, PlanFeature

__all__ = ["own_patient", "own_specialist"]  # the viewers, re-exported for the views


@dataclass(frozen=True)
class Pending:
    """One document waiting for the patient's signature (``appointment`` for an
    every-session consent; ``request`` when someone asked for it)."""

    template: ConsentTemplate
    version: ConsentVersion
    appointment: Appointment | None = None
    request: ConsentRequest | None = None

    @property
    def key(self) -> str:
        return f"{self.template.uuid}:{self.appointment.uuid if self.appointment else ''}"


@dataclass
class PatientStatus:
    """What a patient has signed and what waits, at a glance."""

    pending: list[Pending] = field(default_factory=list)
    signed: list[ConsentSignature] = field(default_factory=list)

    @property
    def pending_count(self) -> int:
        return len(self.pending)


def signing_offered(brand: Brand) -> bool:
    """Whether the brand's patients sign documents in the portal (the Portal add-on)."""
    return brand.plan_includes(PlanFeature.SIGN_DOCUMENTS)


def current_versions(template_ids) -> dict[int, ConsentVersion]:
    """The newest published version of each template (one query)."""
    result: dict[int, ConsentVersion] = {}
    versions = (
        ConsentVersion.objects.filter(template_id__in=list(template_ids))
        .defer("body")  # the status shows titles and numbers; the sign page reads the text
        .order_by("template_id", "-number")
    )
    for version in versions:
        result.setdefault(version.template_id, version)
    return result


def current_version(template: ConsentTemplate) -> ConsentVersion | None:
    return template.versions.order_by("-number").first()


def templates_for_patient(patient: Patient) -> QuerySet[ConsentTemplate]:
    """Active templates of the patient's brand that apply to them (program templates only
    for members)."""
    return (
        ConsentTemplate.objects.filter(brand_id=patient.brand_id, is_active=True)
        .filter(
            Q(program__isnull=True)
            | Q(program__in=patient.program_memberships.values("program_id"))
        )
        .select_related("session_type")
        .defer("draft_body")
    )


SIGNATURE_HEAVY_FIELDS = ("image_png", "user_agent", "version__body", "template__draft_body")


def _valid(signature: ConsentSignature, template: ConsentTemplate, version: ConsentVersion):
    return signature.version_id == version.pk or not template.resign_on_new_version


def patient_status(patient: Patient, *, now=None) -> PatientStatus:
    """Everything pending and signed for ``patient``, in a fixed number of queries (nothing
    pending on a brand without online signing)."""
    now = now or timezone.now()
    signatures = list(
        ConsentSignature.objects.filter(patient=patient)
        .select_related("version", "template", "appointment")
        # Not the drawings, the texts or the drafts: a status needs none of them.
        .defer(*SIGNATURE_HEAVY_FIELDS)
        .order_by("-signed_at", "-pk")
    )
    if not signing_offered(patient.brand):
        return PatientStatus(signed=signatures)
    open_requests = list(
        ConsentRequest.objects.filter(patient=patient, fulfilled_at__isnull=True)
        .select_related("template", "specialist")
        .order_by("created_at", "pk")
    )
    templates = {t.pk: t for t in templates_for_patient(patient)}
    for req in open_requests:
        if req.template.is_active:
            templates.setdefault(req.template_id, req.template)
    versions = current_versions(templates)
    upcoming: list[Appointment] = []
    if any(t.requirement == Requirement.EVERY_SESSION for t in templates.values()):
        upcoming = list(
            Appointment.objects.filter(
                patient=patient, status__in=Appointment.BOOKED_STATUSES, end__gt=now
            ).order_by("start", "pk")
        )
    by_template: dict[int, list[ConsentSignature]] = {}
    for signature in signatures:
        by_template.setdefault(signature.template_id, []).append(signature)

    status = PatientStatus(signed=signatures)
    requested = set()
    for req in open_requests:
        template = templates.get(req.template_id)
        version = versions.get(req.template_id)
        if template is None or version is None or req.template_id in requested:
            continue
        requested.add(req.template_id)
        status.pending.append(Pending(template=template, version=version, request=req))
    for template in sorted(templates.values(), key=lambda t: (t.title, t.pk)):
        version = versions.get(template.pk)
        if version is None or template.pk in requested:
            continue
        own = by_template.get(template.pk, [])
        if template.requirement == Requirement.EVERY_SESSION:
            for appointment in upcoming:
                if not any(
                    s.appointment_id == appointment.pk and _valid(s, template, version) for s in own
                ):
                    status.pending.append(
                        Pending(template=template, version=version, appointment=appointment)
                    )
        elif template.requirement != Requirement.ON_REQUEST:
            if not any(_valid(s, template, version) for s in own if s.appointment_id is None):
                status.pending.append(Pending(template=template, version=version))
    return status


def unsigned_signup_templates(patient: Patient) -> list[ConsentTemplate]:
    """The published sign-up consents that apply to ``patient`` and wait for a valid
    signature: what the portal gate asks on every page, in two small queries instead of the
    whole :func:`patient_status`. None on a brand without online signing."""
    if not signing_offered(patient.brand):
        return []
    latest = ConsentVersion.objects.filter(template=OuterRef("pk")).order_by("-number")
    templates = list(
        templates_for_patient(patient)
        .filter(requirement=Requirement.SIGNUP)
        .annotate(current_version_id=Subquery(latest.values("pk")[:1]))
        .exclude(current_version_id=None)
        .order_by("title", "pk")
    )
    if not templates:
        return []
    signed = set(
        ConsentSignature.objects.filter(
            patient=patient, template__in=templates, appointment__isnull=True
        ).values_list("template_id", "version_id")
    )
    return [
        t
        for t in templates
        if not any(
            tid == t.pk and (vid == t.current_version_id or not t.resign_on_new_version)
            for tid, vid in signed
        )
    ]


SESSION_RULES = (Requirement.FIRST_SESSION, Requirement.EVERY_SESSION, Requirement.SESSION_TYPE)


def unsigned_before_sessions(appointments: list[Appointment]) -> list[tuple[Appointment, list]]:
    """Of ``appointments`` (booked and coming up, ``patient__brand`` loaded), each one whose
    patient has not yet signed what that session needs — a before-first-session, every-session
    or session-type template, under the same validity rules as :func:`patient_status` — with
    the titles missing. For the specialist's action items: four queries whatever the number
    of appointments or patients."""
    appointments = [a for a in appointments if signing_offered(a.patient.brand)]
    if not appointments:
        return []
    patient_ids = {a.patient_id for a in appointments}
    templates = list(
        ConsentTemplate.objects.filter(
            brand_id__in={a.brand_id for a in appointments},
            is_active=True,
            requirement__in=SESSION_RULES,
        )
        .defer("draft_body")
        .order_by("title", "pk")
    )
    if not templates:
        return []
    versions = current_versions(t.pk for t in templates)
    programs: dict[int, set[int]] = {}
    for patient_id, program_id in ProgramMembership.objects.filter(
        patient_id__in=patient_ids
    ).values_list("patient_id", "program_id"):
        programs.setdefault(patient_id, set()).add(program_id)
    signed: dict[tuple[int, int], list[tuple[int, int | None]]] = {}
    for patient_id, template_id, version_id, appointment_id in ConsentSignature.objects.filter(
        patient_id__in=patient_ids, template_id__in=[t.pk for t in templates]
    ).values_list("patient_id", "template_id", "version_id", "appointment_id"):
        signed.setdefault((patient_id, template_id), []).append((version_id, appointment_id))
    result = []
    for appointment in appointments:
        missing = []
        for template in templates:
            version = versions.get(template.pk)
            if (
                version is None
                or template.brand_id != appointment.brand_id
                or (
                    template.program_id is not None
                    and template.program_id not in programs.get(appointment.patient_id, ())
                )
                or (
                    template.requirement == Requirement.SESSION_TYPE
                    and template.session_type_id != appointment.session_type_id
                )
            ):
                continue
            wanted = appointment.pk if template.requirement == Requirement.EVERY_SESSION else None
            if not any(
                for_appointment == wanted
                and (version_id == version.pk or not template.resign_on_new_version)
                for version_id, for_appointment in signed.get(
                    (appointment.patient_id, template.pk), ()
                )
            ):
                missing.append(template.title)
        if missing:
            result.append((appointment, missing))
    return result


def blocking_pending(
    patient: Patient, *, session_type=None, appointment: Appointment | None = None
) -> list[Pending]:
    """What must be signed before booking (``session_type``: the one being booked) or, with
    ``appointment``, before joining that session."""
    result = []
    type_id = (
        appointment.session_type_id
        if appointment is not None
        else getattr(session_type, "pk", session_type)
    )
    for item in patient_status(patient).pending:
        rule = item.template.requirement
        if item.request is not None and rule == Requirement.ON_REQUEST:
            continue
        if rule == Requirement.SESSION_TYPE:
            if type_id is not None and item.template.session_type_id == type_id:
                result.append(item)
        elif rule in BOOKING_RULES:
            result.append(item)
        elif rule == Requirement.EVERY_SESSION and appointment is not None:
            if item.appointment is not None and item.appointment.pk == appointment.pk:
                result.append(item)
    return result


# --- The patient's own ------------------------------------------------------------------------


def _signatures() -> QuerySet[ConsentSignature]:
    return ConsentSignature.objects.select_related(
        "version", "template", "patient", "patient__brand", "appointment", "signer"
    )


def access_template_to_sign(patient: Patient, template_id: uuid.UUID) -> ConsentTemplate:
    """A template the patient may sign: an active one of their brand that applies to them,
    or one someone asked them to sign."""
    template = templates_for_patient(patient).filter(uuid=template_id).first()
    if template is None:
        template = (
            ConsentTemplate.objects.filter(
                uuid=template_id,
                brand_id=patient.brand_id,
                is_active=True,
                requests__patient=patient,
                requests__fulfilled_at__isnull=True,
            )
            .distinct()
            .first()
        )
    if template is None:
        raise Denied(ConsentTemplate, template_id)
    return template


def access_patient_signature(patient: Patient, signature_id: uuid.UUID) -> ConsentSignature:
    signature = _signatures().filter(uuid=signature_id, patient=patient).first()
    if signature is None:
        raise Denied(ConsentSignature, signature_id)
    return signature


# --- Specialists (through the care relationship) -----------------------------------------


def in_care(patient: Patient, specialist: Specialist) -> bool:
    return has_care(specialist, patient, active_only=True)


def access_specialist_signature(
    specialist: Specialist, signature_id: uuid.UUID
) -> ConsentSignature:
    signature = _signatures().filter(uuid=signature_id).first()
    if signature is None or not in_care(signature.patient, specialist):
        raise Denied(ConsentSignature, signature_id)
    return signature


# --- Brand staff ------------------------------------------------------------------------------


def brand_templates(brand: Brand) -> QuerySet[ConsentTemplate]:
    return ConsentTemplate.objects.filter(brand=brand).select_related("program", "session_type")


def access_staff_template(brand: Brand, template_id) -> ConsentTemplate:
    template = brand_templates(brand).filter(uuid=template_id).first()
    if template is None:
        raise Denied(ConsentTemplate, template_id)
    return template


def access_staff_signature(brand: Brand, signature_id: uuid.UUID) -> ConsentSignature:
    signature = _signatures().filter(uuid=signature_id, patient__brand=brand).first()
    if signature is None:
        raise Denied(ConsentSignature, signature_id)
    return signature


def requestable_templates(patient: Patient) -> QuerySet[ConsentTemplate]:
    """Templates one may ask ``patient`` to sign: active, published, of their brand."""
    return (
        ConsentTemplate.objects.filter(brand_id=patient.brand_id, is_active=True)
        .filter(versions__isnull=False)
        .distinct()
        .order_by("title", "pk")
    )


def template_signatures(template: ConsentTemplate) -> QuerySet[ConsentSignature]:
    return (
        ConsentSignature.objects.filter(template=template)
        .select_related("version", "patient", "appointment")
        .order_by("-signed_at", "-pk")
    )


def pending_count(patient: Patient | None) -> int:
    """How many documents wait for ``patient``'s signature (0 for no patient, and on a brand
    without online signing)."""
    if patient is None or not signing_offered(patient.brand):
        return 0
    return patient_status(patient).pending_count
