"""The PDF of a submitted form: title, the patient, each question with its answer (a drawn
signature as its image) and when and from where it was submitted. Stored on private
storage once, with its SHA-256."""

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hale.core.pdf import PdfBuilder, sha256_hex
from hale.core.zones import first_zone
from hale.intake import schema
from hale.intake.models import Assignment

logger = logging.getLogger(__name__)


def build_pdf(assignment: Assignment) -> bytes:
    version = assignment.version
    patient = assignment.patient
    zone = first_zone(patient.time_zone, patient.brand.default_time_zone, "UTC")
    builder = PdfBuilder(title=version.title, subject=_("Form answers"))
    builder.heading(version.title)
    builder.paragraph(
        _("%(brand)s · version %(number)d")
        % {"brand": patient.brand.name, "number": version.number},
        small=True,
    )
    if version.description:
        builder.markdown(version.description)
    builder.spacer()
    for answer in schema.readable(assignment.answers, version.fields):
        builder.heading(answer.label, level=3)
        if answer.png:
            builder.image(answer.png, width_mm=60)
        builder.paragraph(answer.text)
    builder.spacer()
    builder.heading(_("Submitted"), level=2)
    submitted = assignment.submitted_at or timezone.now()
    local = f"{submitted.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"
    builder.facts(
        [
            (_("Patient"), f"{patient.full_name or '-'} <{patient.email}>"),
            (_("Submitted (UTC)"), f"{submitted.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"),
            (_("Submitted (patient's zone)"), local),
            (_("IP address"), assignment.ip_address or "-"),
            (_("Browser"), assignment.user_agent or "-"),
            (_("Form id"), str(assignment.uuid)),
        ]
    )
    return builder.build()


def generate_answers_pdf(assignment_id: int) -> str:
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("version", "patient", "patient__brand")
            .filter(pk=assignment_id, status=Assignment.Status.SUBMITTED)
            .first()
        )
        if assignment is None:
            return "missing"
        if assignment.pdf_sha256:
            return "done already"
        language = assignment.patient.language or assignment.patient.brand.default_language
        with translation.override(language or "en"):
            data = build_pdf(assignment)
        assignment.pdf.save(f"form-{assignment.uuid}.pdf", ContentFile(data), save=False)
        assignment.pdf_sha256 = sha256_hex(data)
        assignment.pdf_generated_at = timezone.now()
        assignment.save(update_fields=["pdf", "pdf_sha256", "pdf_generated_at"])
    return "made"


def read_pdf(assignment: Assignment) -> bytes | None:
    if not assignment.pdf:
        return None
    try:
        with assignment.pdf.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        logger.warning("Stored PDF of form %s is missing", assignment.uuid)
        return None
    if sha256_hex(data) != assignment.pdf_sha256:
        logger.warning("Stored PDF of form %s does not match its hash", assignment.uuid)
        return None
    return data
