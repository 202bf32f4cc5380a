"""What every portal's consent pages share: the read-only view of a signature and the
signed PDF download (after the portal's own access check)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from hale.consents import pdf
from hale.consents.models import ConsentSignature
from hale.core import audit
from hale.core.markdown import render_markdown
from hale.core.signatures import signature_data_url
from hale.core.uploads.serve import generated_pdf_response


def signed_page(
    request: HttpRequest,
    signature: ConsentSignature,
    *,
    base_template: str,
    pdf_url: str,
    back_url: str,
    brand=None,
) -> HttpResponse:
    audit.record(request.user, "consents.signature_viewed", signature, brand=brand)
    return render(
        request,
        "consents/signed.html",
        {
            "base_template": base_template,
            "signature": signature,
            "version": signature.version,
            "body_html": mark_safe(render_markdown(signature.version.body)),  # noqa: S308
            "image_url": signature_data_url(bytes(signature.image_png))
            if signature.image_png
            else "",
            "verification": pdf.verify_signature(signature),
            "pdf_url": pdf_url if signature.pdf_sha256 else "",
            "back_url": back_url,
        },
    )


def pdf_response(request: HttpRequest, signature: ConsentSignature, *, brand=None) -> HttpResponse:
    data = pdf.read_pdf(signature)
    if data is None:
        raise Http404
    audit.record(request.user, "consents.pdf_downloaded", signature, brand=brand)
    return generated_pdf_response(
        data, f"{signature.version.title} v{signature.version.number}.pdf"
    )
