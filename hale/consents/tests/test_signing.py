"""Signing, the PDF and its verification, versions, gating and denials."""

import pytest
from django.urls import reverse

from hale.consents import access, actions, gating, pdf
from hale.consents.errors import AlreadySigned, StaleVersion
from hale.consents.models import ConsentSignature
from hale.consents.tests.conftest import sign
from hale.core.models import AuditEvent
from hale.core.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_signing_makes_a_pdf_with_the_text_and_a_hash_that_verifies(
    patient_a, template_a, private_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign(patient_a, template_a)
    signature.refresh_from_db()
    assert signature.pdf_sha256
    data = pdf.read_pdf(signature)
    text = pdf_text(data)
    assert "online therapy" in text
    assert signature.text_sha256 in text.replace("\n", "")
    assert pdf.verify_signature(signature).ok


def test_a_changed_byte_in_the_pdf_does_not_verify(
    patient_a, template_a, private_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign(patient_a, template_a)
    signature.refresh_from_db()
    data = bytearray(pdf.read_pdf(signature))
    data[len(data) // 2] ^= 0x01
    path = private_storage / signature.pdf.name
    path.write_bytes(bytes(data))
    result = pdf.verify_signature(signature)
    assert result.pdf_ok is False
    assert not result.ok


def test_a_changed_text_does_not_verify(patient_a, template_a, private_storage):
    signature = sign(patient_a, template_a)
    type(signature.version).objects.filter(pk=signature.version_id).update(body="Other text")
    signature.refresh_from_db()
    assert pdf.verify_signature(signature).text_ok is False


def test_signing_twice_keeps_one_signature(patient_a, template_a, private_storage):
    sign(patient_a, template_a)
    with pytest.raises(AlreadySigned):
        sign(patient_a, template_a)
    assert ConsentSignature.objects.count() == 1


def test_a_signature_cannot_be_changed(patient_a, template_a, private_storage):
    signature = sign(patient_a, template_a)
    signature.typed_name = "Someone else"
    with pytest.raises(ValueError):
        signature.save()


def test_version_bump_keeps_the_old_signature_and_asks_for_the_new(
    patient_a, template_a, staff_a, private_storage
):
    old = sign(patient_a, template_a)
    assert access.patient_status(patient_a).pending_count == 0
    template_a.refresh_from_db()
    actions.update_template(
        template=template_a,
        acting_user=staff_a,
        revision=template_a.revision,
        title=template_a.title,
        body="Version two text.",
        requirement="first_session",
        resign_on_new_version=True,
    )
    actions.publish_version(template=template_a, acting_user=staff_a, revision=None)
    old.refresh_from_db()
    assert old.version.number == 1
    assert pdf.verify_signature(old).text_ok
    pending = access.patient_status(patient_a).pending
    assert [p.version.number for p in pending] == [2]
    with pytest.raises(StaleVersion):
        sign(patient_a, template_a, number=1)
    sign(patient_a, template_a, number=2)
    assert access.patient_status(patient_a).pending_count == 0


def test_booking_requirement_refuses_until_signed(patient_a, template_a, private_storage):
    refusal = gating.booking_requirement(
        brand=patient_a.brand, patient=patient_a, specialist=None, session_type=None
    )
    assert refusal is not None and "Consent to online therapy" in str(refusal.message)
    sign(patient_a, template_a)
    assert (
        gating.booking_requirement(
            brand=patient_a.brand, patient=patient_a, specialist=None, session_type=None
        )
        is None
    )


def test_patient_cannot_open_another_patients_signature(
    patient_a, patient_b, template_a, client_for, private_storage
):
    signature = sign(patient_a, template_a)
    before = AuditEvent.objects.filter(action="access.denied").count()
    client = client_for(patient_b.user, "northside.localhost")
    for name in ("consent_signed", "consent_pdf"):
        response = client.get(reverse(name, urlconf="hale.urls_brand", args=[signature.uuid]))
        assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() > before


def test_patient_pages_render_and_sign_by_typing(
    patient_a, template_a, client_for, private_storage
):
    client = client_for(patient_a.user, "calm.localhost")
    page = client.get("/consents/")
    assert page.status_code == 200 and b"Action required" in page.content
    url = f"/consents/{template_a.uuid}/sign/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": 1,
            "signature_method": "typed",
            "signature_typed": "Alice Patient",
            "understood": "on",
        },
    )
    assert response.status_code == 302
    signature = ConsentSignature.objects.get()
    assert signature.method == "typed" and signature.ip_address == "127.0.0.1"
    assert client.get(f"/consents/signed/{signature.uuid}/").status_code == 200


def test_wrong_staff_and_wrong_specialist_get_404(
    patient_a, template_a, staff_b, specialist_2, client_for, private_storage
):
    signature = sign(patient_a, template_a)
    staff = client_for(staff_b)
    assert staff.get(f"/staff/brands/calm/consents/signed/{signature.uuid}/").status_code == 404
    other = client_for(specialist_2.user)
    assert other.get(f"/practice/consents/signed/{signature.uuid}/").status_code == 404
    assert (
        other.post(
            f"/practice/patients/{patient_a.uuid}/consents/request/",
            {"template": str(template_a.uuid)},
        ).status_code
        == 404
    )


def test_specialist_in_care_sends_a_request(
    patient_a, template_a, specialist, care, client_for, private_storage
):
    client = client_for(specialist.user)
    response = client.post(
        f"/practice/patients/{patient_a.uuid}/consents/request/",
        {"template": str(template_a.uuid)},
    )
    assert response.status_code == 302
    assert patient_a.consent_requests.count() == 1


def test_staff_pages(staff_a, template_a, client_for):
    client = client_for(staff_a)
    assert client.get("/staff/brands/calm/consents/").status_code == 200
    assert client.get(f"/staff/brands/calm/consents/{template_a.uuid}/").status_code == 200
    assert client.get("/staff/brands/calm/consents/new/").status_code == 200


def test_join_refusal_until_the_session_consent_is_signed(
    patient_a, specialist, staff_a, private_storage
):
    import datetime as dt

    from django.utils import timezone

    from hale.scheduling.models import Appointment

    template = actions.create_template(
        brand=patient_a.brand,
        acting_user=staff_a,
        title="Session consent",
        body="For this session.",
        requirement="every_session",
    )
    actions.publish_version(template=template, acting_user=staff_a, revision=None)
    start = timezone.now() + dt.timedelta(days=2)
    appointment = Appointment.objects.create(
        brand=patient_a.brand,
        patient=patient_a,
        specialist=specialist,
        session_name="Video",
        start=start,
        end=start + dt.timedelta(minutes=50),
        modality="video",
        status="confirmed",
    )
    refusal = gating.join_refusal(appointment=appointment, user=patient_a.user)
    assert refusal is not None and f"appointment={appointment.uuid}" in refusal.url
    assert gating.join_refusal(appointment=appointment, user=specialist.user) is None
    actions.sign_consent(
        patient=patient_a,
        template=template,
        version_number=1,
        signature=__import__("hale.consents.tests.conftest", fromlist=["TYPED"]).TYPED,
        acting_user=patient_a.user,
        ip_address=None,
        user_agent="",
        appointment=appointment,
    )
    assert gating.join_refusal(appointment=appointment, user=patient_a.user) is None


def test_record_sections_show_status_and_request_form(
    patient_a, template_a, staff_a, specialist, care, client_for
):
    staff = client_for(staff_a).get(f"/staff/brands/calm/patients/{patient_a.uuid}/")
    assert staff.status_code == 200 and b"Ask the patient to sign" in staff.content
    practice = client_for(specialist.user).get(f"/practice/patients/{patient_a.uuid}/")
    assert practice.status_code == 200 and b"Ask the patient to sign" in practice.content


def test_a_drawn_signature_is_in_the_pdf_as_an_image(
    patient_a, template_a, private_storage, django_capture_on_commit_callbacks
):
    import base64
    import io

    from PIL import Image, ImageDraw

    from hale.core.signatures import CapturedSignature, clean_drawn_png

    picture = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(picture).line([(40, 150), (300, 40), (560, 160)], fill="black", width=4)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    png = clean_drawn_png("data:image/png;base64," + base64.b64encode(out.getvalue()).decode())
    with django_capture_on_commit_callbacks(execute=True):
        signature = actions.sign_consent(
            patient=patient_a,
            template=template_a,
            version_number=1,
            signature=CapturedSignature(method="drawn", png=png),
            acting_user=patient_a.user,
            ip_address="127.0.0.1",
            user_agent="pytest",
        )
    signature.refresh_from_db()
    assert bytes(signature.image_png) == png
    data = pdf.read_pdf(signature)
    assert b"/Subtype /Image" in data
    assert pdf.verify_signature(signature).ok
