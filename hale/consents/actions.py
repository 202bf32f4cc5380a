"""Every change to consents: templates and their drafts, publishing a version, asking a
patient to sign, and signing.

- Published versions are frozen: publishing creates a ``ConsentVersion`` from the draft;
  nothing updates one. Signatures are never updated either (there is no action for it); the
  signed PDF is added once, by ``tasks.generate_signature_pdf`` after commit.
- Signing locks the patient row, re-reads the current version and refuses a stale form (the
  text the patient saw is no longer current) or a second signature of the same version (two
  tabs): the unique constraints are the backstop.
"""

import datetime as dt
import logging

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.accounts.models import Patient
from hale.consents import access
from hale.consents.errors import AlreadySigned, ConsentError, StaleVersion
from hale.consents.models import (
    ConsentRequest,
    ConsentSignature,
    ConsentTemplate,
    ConsentVersion,
    Requirement,
)
from hale.core import audit
from hale.core.markdown import clean_markdown_document, one_line
from hale.core.pdf import sha256_hex
from hale.core.signatures import CapturedSignature
from hale.core.tasks import enqueue_on_commit
from hale.matching.models import CareRelationship
from hale.notifications.actions import notify
from hale.notifications.email import recipient_locale
from hale.notifications.kinds import PLATFORM
from hale.scheduling.models import Appointment

logger = logging.getLogger(__name__)

TITLE_MAX = 200
NOTE_MAX = 500
KIND_REQUESTED = "consent.requested"


# --- Templates (brand staff) -----------------------------------------------------------------


def _clean_template(*, title: str, body: str, requirement: str, session_type, program, brand):
    values, errors = clean_markdown_document(
        title=title,
        body_markdown=body,
        title_max=TITLE_MAX,
        summary_max=0,
        messages={
            "no_title": _("Give the consent a title."),
            "no_body": _("Write the text patients sign."),
            "body_too_long": _("Keep the text under %(max)d characters."),
        },
    )
    if errors:
        raise ConsentError(next(iter(errors.values())))
    if requirement not in Requirement.values:
        raise ConsentError(_("Choose when patients sign it."))
    if requirement == Requirement.SESSION_TYPE:
        if session_type is None:
            raise ConsentError(_("Choose the session type this consent is required for."))
    else:
        session_type = None
    if program is not None and program.brand_id != brand.pk:
        raise ConsentError(_("Choose a program of this brand."))
    return values["title"], values["body_markdown"], session_type


@transaction.atomic
def create_template(
    *,
    brand,
    acting_user,
    title: str,
    body: str,
    requirement: str,
    session_type=None,
    program=None,
    resign_on_new_version: bool = False,
) -> ConsentTemplate:
    """A new template with its first draft (patients see nothing until it is published)."""
    title, body, session_type = _clean_template(
        title=title,
        body=body,
        requirement=requirement,
        session_type=session_type,
        program=program,
        brand=brand,
    )
    template = ConsentTemplate.objects.create(
        brand=brand,
        program=program,
        title=title,
        requirement=requirement,
        session_type=session_type,
        resign_on_new_version=resign_on_new_version,
        draft_body=body,
        created_by=acting_user,
    )
    _forget_signup_rule(brand.pk)
    audit.record(acting_user, "consents.template_created", template, brand=brand)
    return template


def _forget_signup_rule(brand_id: int) -> None:
    """The sign-up gate's cached flag is recomputed after this change commits."""
    from hale.consents.middleware import cache_key

    transaction.on_commit(lambda: cache.delete(cache_key(brand_id)))


def _locked_template(template: ConsentTemplate, revision: int | None) -> ConsentTemplate:
    locked = ConsentTemplate.objects.select_for_update().get(pk=template.pk)
    if revision is not None and locked.revision != revision:
        raise ConsentError(
            _("Someone changed this consent while you were editing. Here is the current one.")
        )
    return locked


@transaction.atomic
def update_template(
    *,
    template: ConsentTemplate,
    acting_user,
    revision: int | None,
    title: str,
    body: str,
    requirement: str,
    session_type=None,
    program=None,
    resign_on_new_version: bool = False,
    is_active: bool = True,
) -> ConsentTemplate:
    """Edit the draft and the template's rules. Published versions do not change."""
    template = _locked_template(template, revision)
    title, body, session_type = _clean_template(
        title=title,
        body=body,
        requirement=requirement,
        session_type=session_type,
        program=program,
        brand=template.brand,
    )
    template.title = title
    template.draft_body = body
    template.requirement = requirement
    template.session_type = session_type
    template.program = program
    template.resign_on_new_version = resign_on_new_version
    template.is_active = is_active
    template.revision += 1
    template.save(
        update_fields=[
            "title",
            "draft_body",
            "requirement",
            "session_type",
            "program",
            "resign_on_new_version",
            "is_active",
            "revision",
            "updated_at",
        ]
    )
    _forget_signup_rule(template.brand_id)
    audit.record(acting_user, "consents.template_updated", template, brand=template.brand)
    return template


@transaction.atomic
def publish_version(
    *,
    template: ConsentTemplate,
    acting_user,
    revision: int | None,
    resign_on_new_version: bool | None = None,
) -> ConsentVersion:
    """Freeze the draft into the next version. Signatures of older versions stay valid for
    their version; with ``resign_on_new_version`` patients are asked to sign the new one."""
    template = _locked_template(template, revision)
    current = access.current_version(template)
    body = (template.draft_body or "").strip()
    if not body:
        raise ConsentError(_("Write the text patients sign."))
    if current is not None and current.body == body and current.title == template.title:
        raise ConsentError(_("The draft is the same as the published version."))
    if resign_on_new_version is not None:
        template.resign_on_new_version = resign_on_new_version
    version = ConsentVersion.objects.create(
        template=template,
        number=(current.number + 1) if current else 1,
        title=template.title,
        body=body,
        body_sha256=sha256_hex(body),
        published_at=timezone.now(),
        published_by=acting_user,
    )
    template.revision += 1
    template.save(update_fields=["resign_on_new_version", "revision", "updated_at"])
    _forget_signup_rule(template.brand_id)
    audit.record(
        acting_user,
        "consents.version_published",
        version,
        brand=template.brand,
        number=version.number,
        resign=template.resign_on_new_version,
    )
    return version


# --- Requests -------------------------------------------------------------------------------


@transaction.atomic
def request_consent(
    *, template: ConsentTemplate, patient: Patient, acting_user, specialist=None, note: str = ""
) -> ConsentRequest:
    """Ask ``patient`` to sign ``template`` (the caller checked the acting user may: the
    patient's specialist or the brand's staff). The patient is told in the app and by email."""
    if template.brand_id != patient.brand_id or not template.is_active:
        raise ConsentError(_("Choose one of this brand's consents."))
    if not access.signing_offered(patient.brand):
        raise ConsentError(_("Patients sign consents online only with the Portal add-on."))
    if access.current_version(template) is None:
        raise ConsentError(_("This consent has no published version yet."))
    note = one_line(note)
    if len(note) > NOTE_MAX:
        raise ConsentError(_("Keep the note under %(max)d characters.") % {"max": NOTE_MAX})
    Patient.objects.select_for_update().get(pk=patient.pk)
    existing = ConsentRequest.objects.filter(
        template=template, patient=patient, fulfilled_at__isnull=True
    ).first()
    if existing is not None:
        raise ConsentError(_("This patient has already been asked to sign this consent."))
    req = ConsentRequest.objects.create(
        template=template,
        patient=patient,
        requested_by=acting_user,
        specialist=specialist,
        note=note,
    )
    audit.record(acting_user, "consents.requested", req, brand=patient.brand)
    if patient.user_id is not None:
        enqueue_on_commit(_notify_task(), request_id=req.pk)
    return req


def _notify_task():
    from hale.consents.tasks import notify_consent_requested

    return notify_consent_requested


def send_request_notification(request_id: int) -> None:
    """In-app and email notice of an open request (idempotent enough: one per request)."""
    req = (
        ConsentRequest.objects.select_related("patient__user", "patient__brand", "template")
        .filter(pk=request_id, fulfilled_at__isnull=True)
        .first()
    )
    if req is None or req.patient.user is None:
        return
    with recipient_locale(req.patient.user, req.patient.brand):
        title = _("Please sign: %(title)s") % {"title": req.template.title}
        body = _("%(brand)s asks you to read and sign “%(title)s”.") % {
            "brand": req.patient.brand.name,
            "title": req.template.title,
        }
    notify(
        user=req.patient.user,
        kind=KIND_REQUESTED,
        brand=req.patient.brand,
        title=title,
        body=body,
        url=reverse("consent_sign", urlconf="hale.urls_brand", args=[req.template.uuid]),
    )


# --- Signing ----------------------------------------------------------------------------------


@transaction.atomic
def sign_consent(
    *,
    patient: Patient,
    template: ConsentTemplate,
    version_number: int,
    signature: CapturedSignature,
    acting_user,
    ip_address: str | None,
    user_agent: str,
    appointment: Appointment | None = None,
    now: dt.datetime | None = None,
) -> ConsentSignature:
    """The patient signs the version they were shown (``version_number``).

    Refused with ``StaleVersion`` when a newer version was published meanwhile, and with
    ``AlreadySigned`` when this version (for this appointment) is signed already."""
    if patient.user_id != acting_user.pk or not patient.portal_enabled:
        raise ConsentError(_("Only the patient can sign their consents."))
    if not access.signing_offered(patient.brand):
        raise ConsentError(_("Patients sign consents online only with the Portal add-on."))
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    template = ConsentTemplate.objects.get(pk=template.pk)
    if template.brand_id != patient.brand_id or not template.is_active:
        raise ConsentError(_("This consent is no longer in use."))
    current = access.current_version(template)
    if current is None:
        raise ConsentError(_("This consent is no longer in use."))
    if current.number != version_number:
        raise StaleVersion(
            _(
                "This consent was updated while you were reading it. Please read the "
                "current version below and sign again."
            )
        )
    if appointment is not None and (
        appointment.patient_id != patient.pk
        or template.requirement != Requirement.EVERY_SESSION
        or not appointment.is_booked
    ):
        raise ConsentError(_("This consent cannot be signed for that session."))
    if template.requirement == Requirement.EVERY_SESSION and appointment is None:
        has_open_request = ConsentRequest.objects.filter(
            template=template, patient=patient, fulfilled_at__isnull=True
        ).exists()
        if not has_open_request:
            raise ConsentError(_("Choose the session this consent is for."))
    exists = ConsentSignature.objects.filter(
        patient=patient, version=current, appointment=appointment
    ).exists()
    if exists:
        raise AlreadySigned(_("You have already signed this version."))
    now = now or timezone.now()
    user = acting_user
    try:
        with transaction.atomic():
            made = ConsentSignature.objects.create(
                template=template,
                version=current,
                patient=patient,
                signer=user,
                signer_name=patient.full_name or user.get_full_name() or user.email,
                appointment=appointment,
                signed_at=now,
                ip_address=ip_address,
                user_agent=(user_agent or "")[:512],
                method=signature.method,
                typed_name=signature.typed_name if not signature.is_drawn else "",
                image_png=signature.png if signature.is_drawn else None,
                text_sha256=sha256_hex(current.body),
            )
    except IntegrityError as exc:
        raise AlreadySigned(_("You have already signed this version.")) from exc
    ConsentRequest.objects.filter(
        template=template, patient=patient, fulfilled_at__isnull=True
    ).update(signature=made, fulfilled_at=now)
    audit.record(
        acting_user,
        "consents.signed",
        made,
        brand=patient.brand,
        version=current.number,
        method=made.method,
    )
    from hale.consents.tasks import generate_signature_pdf

    enqueue_on_commit(generate_signature_pdf, signature_id=made.pk)
    _notify_signed(made)
    return made


def _notify_signed(signature: ConsentSignature) -> None:
    """Tell the patient's specialists (active care on the brand) that they signed."""
    patient = signature.patient
    care = CareRelationship.objects.filter(
        patient=patient, brand_id=patient.brand_id, status=CareRelationship.Status.ACTIVE
    ).select_related("specialist__user")
    name = patient.full_name or patient.email
    for relationship in care:
        user = relationship.specialist.user
        with recipient_locale(user, None):
            title = _("%(name)s signed “%(title)s”") % {
                "name": name,
                "title": signature.template.title,
            }
        notify(
            user=user,
            kind="consent.signed",
            title=title,
            body=title,
            url=reverse("practice_patient", urlconf="hale.urls_platform", args=[patient.uuid])
            + "#consents",
            portal=PLATFORM,
        )


PENDING_MESSAGE = gettext_lazy("Please sign “%(title)s” first.")
