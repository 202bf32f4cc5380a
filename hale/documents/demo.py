"""Demo documents and notes: Alex (Calm Minds) has lab results shared by the clinic's staff
and a letter from Dr Rivera, and a note of their own; Dr Rivera keeps a private note on Alex;
Dr Okafor keeps one on Priya (Northside) that Dr Rivera, Okafor's clinical lead, can read.

The PDFs are made with ``hale.core.pdf.PdfBuilder`` and go through the upload pipeline like
any other file. Idempotent: each item is looked up by its title or author first.
"""

from django.core.files.base import ContentFile

from hale.accounts.models import Patient
from hale.core.pdf import PdfBuilder
from hale.core.uploads import store_upload
from hale.documents import actions
from hale.documents.models import Document, DocumentKind, PatientNote, PrivateNote
from hale.matching.access import has_care
from hale.specialists.models import Specialist
from hale.tenancy.access import staff_brands
from hale.tenancy.models import Brand

LAB_TITLE = "Blood test results (full blood count)"
LETTER_TITLE = "Letter after your first session"


def _pdf(title: str, paragraphs: list[str], facts=None) -> bytes:
    pdf = PdfBuilder(title=title)
    pdf.heading(title)
    if facts:
        pdf.facts(facts)
    for text in paragraphs:
        pdf.paragraph(text)
    return pdf.build()


def _share(patient, *, title, kind, data: bytes, acting_user, specialist=None, message=""):
    if Document.objects.filter(patient=patient, title=title).exists():
        return
    upload = store_upload(
        file=ContentFile(data, name=f"{kind}.pdf"),
        policy=patient.brand.upload_policy(),
        uploaded_by=acting_user,
        brand=patient.brand,
    )
    actions.share_document(
        patient=patient,
        kind=kind,
        title=title,
        message=message,
        upload=upload,
        acting_user=acting_user,
        specialist=specialist,
    )


def _specialist(email: str) -> Specialist | None:
    return Specialist.objects.approved().select_related("user").filter(user__email=email).first()


def seed_demo_documents(brands: dict[str, Brand]) -> None:
    calm, northside = brands.get("calm"), brands.get("northside")
    rivera = _specialist("dr.rivera@hale.example")
    okafor = _specialist("dr.okafor@hale.example")
    alex = (
        Patient.objects.select_related("brand", "user")
        .filter(brand=calm, user__email="alex@calm.example")
        .first()
    )
    if alex is not None:
        staff = (
            alex.brand.memberships.select_related("user")
            .filter(user__email="staff@calm.example")
            .first()
        )
        if staff is not None and staff_brands(staff.user).filter(pk=alex.brand_id).exists():
            _share(
                alex,
                title=LAB_TITLE,
                kind=DocumentKind.LAB_RESULTS,
                data=_pdf(
                    LAB_TITLE,
                    ["All values are within the normal range. No follow-up is needed."],
                    facts=[
                        ("Haemoglobin", "14.1 g/dL"),
                        ("White cells", "6.2 x10^9/L"),
                        ("Platelets", "250 x10^9/L"),
                    ],
                ),
                acting_user=staff.user,
                message="Your recent blood test results from the lab.",
            )
        if rivera is not None and has_care(rivera, alex, active_only=False):
            _share(
                alex,
                title=LETTER_TITLE,
                kind=DocumentKind.LETTER,
                data=_pdf(
                    LETTER_TITLE,
                    [
                        "Dear Alex,",
                        "Thank you for our first session. As agreed, we will work on a regular "
                        "sleep schedule and keep a short sleep diary.",
                        "Best wishes, Dr Maria Rivera",
                    ],
                ),
                acting_user=rivera.user,
                specialist=rivera,
            )
            if not PrivateNote.objects.filter(specialist=rivera, patient=alex).exists():
                actions.add_private_note(
                    specialist=rivera,
                    patient=alex,
                    body=(
                        "Presents with **early waking** (around 4am), low mood in the mornings.\n\n"
                        "- Sleep diary agreed\n- Review caffeine after 2pm\n\n"
                        "_Plan:_ CBT-I techniques from next session."
                    ),
                    acting_user=rivera.user,
                )
        if alex.user is not None and not PatientNote.objects.filter(patient=alex).exists():
            actions.add_patient_note(
                patient=alex,
                body="Questions for next time:\n\n1. Is it fine to nap after lunch?\n"
                "2. Should I stop coffee completely?",
                shared=False,
                acting_user=alex.user,
            )
    priya = (
        Patient.objects.select_related("brand")
        .filter(brand=northside, user__email="priya@northside.example")
        .first()
    )
    if (
        priya is not None
        and okafor is not None
        and has_care(okafor, priya, active_only=False)
        and not PrivateNote.objects.filter(specialist=okafor, patient=priya).exists()
    ):
        actions.add_private_note(
            specialist=okafor,
            patient=priya,
            body=(
                "Work stress since the team reorganisation. **No risk indicators.**\n\n"
                "- Practise the breathing exercise daily\n"
                "- Discuss with my clinical lead: pace of exposure work"
            ),
            acting_user=okafor.user,
        )
