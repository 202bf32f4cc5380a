import io

from PIL import Image

from hale.core.pdf import PdfBuilder, pdf_text, sha256_hex


def build(text="I **agree** to online sessions."):
    pdf = PdfBuilder(title="Consent", subject="Signed consent")
    pdf.heading("Consent to online therapy")
    pdf.markdown(
        f"## What this covers\n\n{text}\n\n- sessions by video\n- messages\n\n"
        "<script>alert(1)</script>"
    )
    pdf.facts([("Signed by", "Alex Morgan"), ("Text SHA-256", sha256_hex(text))])
    picture = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(picture, format="PNG")
    pdf.image(picture.getvalue(), width_mm=40)
    pdf.paragraph("Line one\nLine two", small=True)
    return pdf.build()


def test_the_pdf_holds_the_text_headings_lists_and_facts_and_no_script():
    text = pdf_text(build())
    for expected in [
        "Consent to online therapy",
        "What this covers",
        "I agree to online sessions.",
        "sessions by video",
        "Signed by",
        "Alex Morgan",
        "Line one",
        "Line two",
    ]:
        assert expected in text
    assert "alert" not in text and "<script>" not in text


def test_the_same_content_gives_the_same_bytes_and_a_change_gives_other_bytes():
    assert build() == build()
    assert sha256_hex(build()) != sha256_hex(build("I agree to phone sessions."))


def test_sha256_of_text_is_of_its_utf8_bytes():
    assert sha256_hex("é") == sha256_hex("é".encode())
    assert len(sha256_hex(b"")) == 64
