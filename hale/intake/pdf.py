"""The PDF of a submitted form: title, the patient, each question with its answer (a drawn
signature as its image) and when and from where it was submitted. Stored on private
storage once, with its SHA-256."""

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from hale.core.pdf import PdfBuilder, read_stored_pdf, sha256_hex, store_pdf_once
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
    return store_pdf_once(
        Assignment.objects.filter(status=Assignment.Status.SUBMITTED).select_related(
            "version", "patient", "patient__brand"
        ),
        assignment_id,
        build=build_pdf,
        filename=lambda a: f"form-{a.uuid}.pdf",
        language=lambda a: a.patient.language or a.patient.brand.default_language,
    )


def read_pdf(assignment: Assignment) -> bytes | None:
    """The stored PDF, or None (not made yet, missing, or not the bytes that were made)."""
    data = read_stored_pdf(assignment.pdf)
    if data is not None and sha256_hex(data) != assignment.pdf_sha256:
        logger.warning("Stored PDF of form %s does not match its hash", assignment.uuid)
        return None
    return data
