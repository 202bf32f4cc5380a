"""What the payments pages of every portal share: the month a report is asked for, the
report downloads (CSV from the ledger, PDF of the same rows), and the CSP that lets a page's
form continue to Stripe's pages."""

import datetime as dt
import functools
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone

from hale.core.csvexport import csv_response
from hale.core.http import extend_csp
from hale.core.uploads.serve import generated_pdf_response
from hale.payments import reports

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> dt.date:
    match = _MONTH.match(value or "")
    if not match:
        raise Http404
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return dt.date(year, month, 1)


def recent_months(count: int = 12) -> list[dt.date]:
    this = reports.month_start(timezone.localdate())
    return [reports.add_months(this, -i) for i in range(count)]


def report_response(entries, *, month: dt.date, fmt: str, title: str, name: str) -> HttpResponse:
    entries = reports.in_month(entries, month)
    filename = f"{name}-{month:%Y-%m}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, reports.HEADER, reports.report_rows(entries))
    if fmt == "pdf":
        return generated_pdf_response(
            reports.report_pdf(title=title, entries=entries, month=month), filename
        )
    raise Http404


def stripe_origins() -> list[str]:
    if settings.STRIPE_API_BASE:
        parts = urlsplit(settings.STRIPE_API_BASE)
        return [f"{parts.scheme}://{parts.netloc}"]
    return ["https://checkout.stripe.com", "https://connect.stripe.com"]


def forms_may_go_to_stripe(view):
    """A page whose form is answered with a redirect to Stripe's payment, card or onboarding
    page: the CSP's ``form-action`` (which browsers apply to redirects too) allows Stripe's
    origins on this page only."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return extend_csp(view(request, *args, **kwargs), "form-action", *stripe_origins())

    return wrapped
