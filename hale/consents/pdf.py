"""The PDF of a signed consent, and ``verify_signature``.

The PDF holds the title, version, the exact text signed, the drawn signature or typed
name, and an audit trail (signer, time in UTC and in the patient's zone, IP, browser, the
text's SHA-256). It is stored on private storage; its own SHA-256 is kept on the signature,
so a changed byte in the stored file — or a changed version text — is detected.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hale.consents.models import ConsentSignature
from hale.core.pdf import PdfBuilder, read_stored_pdf, sha256_hex, store_pdf_once
from hale.core.zones import first_zone


def patient_zone(signature: ConsentSignature):
    patient = signature.patient
    return first_zone(patient.time_zone, patient.brand.default_time_zone, "UTC")


def build_pdf(signature: ConsentSignature) -> bytes:
    """The signed document's bytes (deterministic for one signature)."""
    version = signature.version
    zone = patient_zone(signature)
    signed_utc = signature.signed_at.astimezone(dt.UTC)
    signed_local = signature.signed_at.astimezone(zone)
    builder = PdfBuilder(title=version.title, subject=_("Signed consent"))
    builder.heading(version.title)
    builder.paragraph(
        _("Version %(number)d, published %(date)s")
        % {"number": version.number, "date": version.published_at.astimezone(dt.UTC).date()},
        small=True,
    )
    builder.spacer()
    builder.markdown(version.body)
    builder.spacer()
    builder.heading(_("Signature"), level=2)
    if signature.method == ConsentSignature.Method.DRAWN and signature.image_png:
        builder.image(bytes(signature.image_png), width_mm=60)
    else:
        builder.paragraph(_("Typed name: %(name)s") % {"name": signature.typed_name})
    builder.spacer()
    builder.heading(_("Audit trail"), level=2)
    rows = [
        (_("Signer"), f"{signature.signer_name} <{signature.patient.email}>"),
        (_("Signed (UTC)"), signed_utc.strftime("%Y-%m-%d %H:%M:%S UTC")),
        (_("Signed (patient's zone)"), f"{signed_local:%Y-%m-%d %H:%M:%S} ({zone.key})"),
        (_("Method"), str(signature.get_method_display())),
        (_("IP address"), signature.ip_address or "-"),
        (_("Browser"), signature.user_agent or "-"),
        (_("Text SHA-256"), signature.text_sha256),
        (_("Signature id"), str(signature.uuid)),
    ]
    appt = signature.appointment
    if appt is not None:
        rows.append((_("For the session of"), f"{appt.start.astimezone(zone):%Y-%m-%d %H:%M}"))
    builder.facts(rows)
    return builder.build()


def generate_signature_pdf(signature_id: int) -> str:
    """Make and store the PDF once; a second run finds it made."""
    return store_pdf_once(
        ConsentSignature.objects.select_related(
            "version", "patient", "patient__brand", "appointment"
        ),
        signature_id,
        build=build_pdf,
        filename=lambda s: f"consent-{s.uuid}.pdf",
        language=lambda s: s.patient.language or s.patient.brand.default_language,
    )


@dataclass(frozen=True)
class Verification:
    """``text_ok``: the stored version text still hashes to what was signed. ``pdf_ok``:
    the stored PDF's bytes hash to the recorded SHA-256 (None while the PDF is being made)."""

    text_ok: bool
    pdf_ok: bool | None

    @property
    def ok(self) -> bool:
        return self.text_ok and self.pdf_ok is not False


def read_pdf(signature: ConsentSignature) -> bytes | None:
    return read_stored_pdf(signature.pdf)


def verify_signature(signature: ConsentSignature) -> Verification:
    """Recompute the text hash from the stored version body and the PDF hash from the
    stored bytes, and compare them with what was recorded at signing."""
    version = signature.version
    text_hash = sha256_hex(version.body)
    text_ok = text_hash == signature.text_sha256 == version.body_sha256
    if not signature.pdf_sha256:
        return Verification(text_ok=text_ok, pdf_ok=None)
    data = read_pdf(signature)
    pdf_ok = data is not None and sha256_hex(data) == signature.pdf_sha256
    return Verification(text_ok=text_ok, pdf_ok=pdf_ok)
