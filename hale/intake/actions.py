"""Every change to intake forms: building a form (each change of its questions freezes a
new version), sending it to a patient (by hand or when a session type is booked), saving a
draft, submitting, and withdrawing an unanswered one.

Drafts and submissions lock the assignment row: once submitted nothing more is saved (a
late autosave from another tab is refused with ``AlreadySubmitted``), and two submissions
at once leave exactly one. The PDF of the answers is made after commit by a task.
"""

import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.accounts.models import Patient
from hale.core import audit
from hale.core.markdown import one_line
from hale.core.tasks import enqueue_on_commit
from hale.intake import access, schema
from hale.intake.errors import AlreadySubmitted, IntakeError
from hale.intake.models import Assignment, FormVersion, IntakeForm
from hale.matching.models import Listing

logger = logging.getLogger(__name__)

TITLE_MAX = 200
DESCRIPTION_MAX = 4000


# --- Building forms (brand staff) ----------------------------------------------------------


def _clean(title: str, description: str, rows: list[dict], session_types, brand):
    title = one_line(title)
    description = (description or "").replace("\r\n", "\n").strip()
    if not title:
        raise IntakeError(_("Give the form a title."))
    if len(title) > TITLE_MAX:
        raise IntakeError(_("Keep the title under %(max)d characters.") % {"max": TITLE_MAX})
    if len(description) > DESCRIPTION_MAX:
        raise IntakeError(
            _("Keep the introduction under %(max)d characters.") % {"max": DESCRIPTION_MAX}
        )
    try:
        fields = schema.clean_definition(rows)
    except schema.DefinitionError as exc:
        raise IntakeError(exc.message) from None
    types = list(session_types or [])
    listed = set(
        Listing.objects.filter(
            brand=brand, specialist_id__in=[t.specialist_id for t in types]
        ).values_list("specialist_id", flat=True)
    )
    if any(t.specialist_id not in listed for t in types):
        raise IntakeError(_("Choose session types of specialists listed on this brand."))
    return title, description, fields, types


def _new_version(form: IntakeForm, fields: list[dict]) -> FormVersion | None:
    current = access.current_version(form)
    if (
        current is not None
        and current.fields == fields
        and current.title == form.title
        and current.description == form.description
    ):
        return None
    return FormVersion.objects.create(
        form=form,
        number=(current.number + 1) if current else 1,
        title=form.title,
        description=form.description,
        fields=fields,
    )


@transaction.atomic
def save_form(
    *,
    brand,
    acting_user,
    form: IntakeForm | None = None,
    revision: int | None = None,
    title: str,
    description: str = "",
    rows: list[dict],
    session_types=(),
    is_active: bool = True,
) -> IntakeForm:
    """Create or change a form. When the questions, title or introduction changed, they
    become a new version; forms already sent keep the version they were sent with."""
    title, description, fields, types = _clean(title, description, rows, session_types, brand)
    if form is None:
        form = IntakeForm.objects.create(
            brand=brand, title=title, description=description, created_by=acting_user
        )
        action = "intake.form_created"
    else:
        form = IntakeForm.objects.select_for_update().get(pk=form.pk, brand=brand)
        if revision is not None and form.revision != revision:
            raise IntakeError(
                _("Someone changed this form while you were editing. Here is the current one.")
            )
        form.title, form.description, form.is_active = title, description, is_active
        form.revision += 1
        form.save(update_fields=["title", "description", "is_active", "revision", "updated_at"])
        action = "intake.form_updated"
    form.session_types.set(types)
    version = _new_version(form, fields)
    audit.record(
        acting_user, action, form, brand=brand, version=version.number if version else None
    )
    return form


# --- Sending ---------------------------------------------------------------------------------


def _notify_sent_task():
    from hale.intake.tasks import notify_form_sent

    return notify_form_sent


@transaction.atomic
def send_form(
    *, form: IntakeForm, patient: Patient, acting_user, specialist=None, appointment=None
) -> Assignment:
    """Ask ``patient`` to fill in ``form`` (the caller checked the acting user may: the
    brand's staff or one of the patient's specialists). Told in the app and by email."""
    if form.brand_id != patient.brand_id or not form.is_active:
        raise IntakeError(_("Choose one of this brand's forms."))
    version = access.current_version(form)
    if version is None:
        raise IntakeError(_("This form has no questions yet."))
    Patient.objects.select_for_update().get(pk=patient.pk)
    if Assignment.objects.filter(
        form=form, patient=patient, appointment=None, status=Assignment.Status.PENDING
    ).exists():
        raise IntakeError(_("This patient already has this form to fill in."))
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                form=form,
                version=version,
                patient=patient,
                appointment=appointment,
                sent_by=acting_user,
                specialist=specialist,
            )
    except IntegrityError:
        raise IntakeError(_("This patient already has this form to fill in.")) from None
    audit.record(acting_user, "intake.sent", assignment, brand=patient.brand)
    if patient.user_id is not None:
        enqueue_on_commit(_notify_sent_task(), assignment_id=assignment.pk)
    return assignment


def send_at_booking(appointment, **_hook_kwargs) -> list[Assignment]:
    """The brand's forms attached to the booked session type, sent once per appointment
    (a retried or repeated call finds them sent)."""
    patient = appointment.patient
    forms = (
        IntakeForm.objects.filter(
            brand_id=patient.brand_id, is_active=True, session_types=appointment.session_type_id
        )
        .filter(versions__isnull=False)
        .distinct()
    )
    made = []
    for form in forms:
        if Assignment.objects.filter(form=form, patient=patient, appointment=appointment).exists():
            continue
        version = access.current_version(form)
        if version is None:
            continue
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    form=form,
                    version=version,
                    patient=patient,
                    appointment=appointment,
                    specialist=appointment.specialist,
                )
        except IntegrityError:
            continue
        audit.record(None, "intake.sent_at_booking", assignment, brand=patient.brand)
        if patient.user_id is not None:
            enqueue_on_commit(_notify_sent_task(), assignment_id=assignment.pk)
        made.append(assignment)
    return made


def send_notification(assignment_id: int) -> None:
    from hale.notifications.actions import notify
    from hale.notifications.email import recipient_locale

    assignment = (
        Assignment.objects.select_related("patient__user", "patient__brand", "version")
        .filter(pk=assignment_id, status=Assignment.Status.PENDING)
        .first()
    )
    if assignment is None or assignment.patient.user is None:
        return
    patient = assignment.patient
    with recipient_locale(patient.user, patient.brand):
        title = _("Please fill in: %(title)s") % {"title": assignment.version.title}
        body = _("%(brand)s asks you to fill in “%(title)s”.") % {
            "brand": patient.brand.name,
            "title": assignment.version.title,
        }
    notify(
        user=patient.user,
        kind="intake.sent",
        brand=patient.brand,
        title=title,
        body=body,
        url=reverse("intake_fill", urlconf="hale.urls_brand", args=[assignment.uuid]),
    )


@transaction.atomic
def withdraw(*, assignment: Assignment, acting_user) -> Assignment:
    """Take back a form the patient has not submitted (staff or the sending specialist)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != Assignment.Status.PENDING:
        raise AlreadySubmitted(_("This form was already submitted; it can no longer be withdrawn."))
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.save(update_fields=["status"])
    audit.record(acting_user, "intake.withdrawn", assignment, brand=assignment.form.brand)
    return assignment


# --- Filling in (the patient) --------------------------------------------------------------


def _locked_pending(assignment: Assignment, patient: Patient, acting_user) -> Assignment:
    if patient.user_id != getattr(acting_user, "pk", None):
        raise IntakeError(_("Only the patient can fill in their forms."))
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("version", "form", "patient__brand")
        .get(pk=assignment.pk, patient=patient)
    )
    if locked.status == Assignment.Status.SUBMITTED:
        raise AlreadySubmitted(_("This form was already submitted; your answers are kept."))
    if locked.status != Assignment.Status.PENDING:
        raise IntakeError(_("This form was withdrawn by the clinic."))
    return locked


@transaction.atomic
def save_draft(*, assignment: Assignment, patient: Patient, acting_user, data) -> Assignment:
    """Keep what the patient typed so far (never a signature). Refused after submission."""
    locked = _locked_pending(assignment, patient, acting_user)
    locked.answers = schema.draft_answers(data, locked.version.fields)
    locked.draft_saved_at = timezone.now()
    locked.save(update_fields=["answers", "draft_saved_at"])
    return locked


@transaction.atomic
def submit(
    *,
    assignment: Assignment,
    patient: Patient,
    acting_user,
    answers: dict,
    ip_address: str | None,
    user_agent: str,
) -> Assignment:
    """The patient's final answers (already validated by ``schema.FillForm``): read-only
    from now on; the PDF follows after commit and whoever sent the form is told."""
    locked = _locked_pending(assignment, patient, acting_user)
    locked.answers = answers
    locked.status = Assignment.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.ip_address = ip_address
    locked.user_agent = (user_agent or "")[:512]
    locked.save(update_fields=["answers", "status", "submitted_at", "ip_address", "user_agent"])
    audit.record(acting_user, "intake.submitted", locked, brand=patient.brand)
    from hale.intake.tasks import generate_answers_pdf, notify_form_submitted

    enqueue_on_commit(generate_answers_pdf, assignment_id=locked.pk)
    enqueue_on_commit(notify_form_submitted, assignment_id=locked.pk)
    return locked


def send_submitted_notification(assignment_id: int) -> None:
    """Tell the specialist the form was sent for (or the staff member who sent it)."""
    from hale.notifications.actions import notify

    assignment = (
        Assignment.objects.select_related("patient__brand", "specialist__user", "sent_by")
        .filter(pk=assignment_id, status=Assignment.Status.SUBMITTED)
        .first()
    )
    if assignment is None:
        return
    patient = assignment.patient
    if assignment.specialist is not None:
        user = assignment.specialist.user
        url = reverse(
            "practice_intake_answers", urlconf="hale.urls_platform", args=[assignment.uuid]
        )
    elif assignment.sent_by is not None:
        user = assignment.sent_by
        url = reverse(
            "staff_intake_answers",
            urlconf="hale.urls_platform",
            args=[patient.brand.slug, assignment.uuid],
        )
    else:
        return
    name = patient.full_name or patient.email
    notify(
        user=user,
        kind="intake.submitted",
        title=_("%(name)s filled in “%(title)s”") % {"name": name, "title": assignment.form.title},
        body=_("The answers are on the patient's record."),
        url=url,
    )
