"""What every portal's intake pages share: the read-only answers and the PDF download
(after the portal's own access check)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from hale.core import audit
from hale.core.markdown import render_markdown
from hale.core.signatures import signature_data_url
from hale.core.uploads.serve import generated_pdf_response
from hale.intake import pdf, schema
from hale.intake.models import Assignment


def answer_rows(assignment: Assignment) -> list[dict]:
    return [
        {"label": a.label, "text": a.text, "image": signature_data_url(a.png) if a.png else ""}
        for a in schema.readable(assignment.answers, assignment.version.fields)
    ]


def answers_page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    base_template: str,
    pdf_url: str,
    back_url: str,
    brand=None,
    extra: dict | None = None,
) -> HttpResponse:
    if getattr(request.user, "pk", None) != assignment.patient.user_id:
        audit.record(request.user, "intake.answers_viewed", assignment, brand=brand)
    context = {
        "base_template": base_template,
        "assignment": assignment,
        "version": assignment.version,
        "description_html": mark_safe(render_markdown(assignment.version.description)),  # noqa: S308
        "rows": answer_rows(assignment),
        "pdf_url": pdf_url if assignment.pdf_sha256 else "",
        "back_url": back_url,
        **(extra or {}),
    }
    return render(request, "intake/answers.html", context)


def pdf_response(request: HttpRequest, assignment: Assignment, *, brand=None) -> HttpResponse:
    data = pdf.read_pdf(assignment)
    if data is None:
        raise Http404
    audit.record(request.user, "intake.pdf_downloaded", assignment, brand=brand)
    return generated_pdf_response(data, f"{assignment.version.title}.pdf")
