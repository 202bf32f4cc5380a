"""Scoped reads of the accounts app.

``patient_record`` is the one answer to "the patient record of this user on this brand":
every portal page, action and template tag asks it instead of filtering ``Patient`` itself,
so disabled portal access (staff switched it off) is respected everywhere alike.
"""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from hale.accounts.models import Patient
from hale.core.access import Denied

MEMO = "_hale_patient_memo"


def remember_patient(user, brand, record: Patient | None) -> None:
    """Keep the record loaded for this request's ``user`` on ``brand`` (``None``: not a
    patient there) on the user object, which lives as long as the request: later
    :func:`patient_record` calls for the same brand are answered without a query. Only the
    per-request middleware calls this; code that reuses one user object across changes
    (tests, tasks) never has a memo and always reads the database."""
    if record is not None:
        record.brand = brand
    setattr(user, MEMO, (brand.pk, record))


def patient_record(user, brand, *, include_disabled: bool = False) -> Patient | None:
    """``user``'s patient record on ``brand``, or None (guests, the platform host, no record,
    or portal access disabled — unless ``include_disabled``: staff-facing and account-level
    pages that must still see the record)."""
    if brand is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    memo = getattr(user, MEMO, None)
    if memo is not None and memo[0] == brand.pk:
        record = memo[1]
        if record is None or (not include_disabled and not record.portal_enabled):
            return None
        return record
    records = Patient.objects.filter(brand=brand, user=user)
    if not include_disabled:
        records = records.filter(portal_enabled=True)
    return records.first()


def request_patient(request: HttpRequest) -> Patient | None:
    """:func:`patient_record` for the request's user and brand, remembered on the request."""
    if not hasattr(request, "_hale_patient"):
        request._hale_patient = patient_record(  # type: ignore[attr-defined]  # per-request memo
            getattr(request, "user", None), getattr(request, "brand", None)
        )
    return request._hale_patient  # type: ignore[attr-defined]


def access_patient_record(user, brand) -> Patient:
    """:func:`patient_record`, or 404 for anyone without one (a page of the patient portal
    that someone without a record opened; no object id was asked for, so nothing to audit)."""
    patient = patient_record(user, brand)
    if patient is None:
        raise Http404
    return patient


def brand_patients(brand) -> "QuerySet[Patient]":
    """The brand's patient records (not erased), for staff pages and pickers."""
    return (
        Patient.objects.filter(brand=brand, erased_at__isnull=True)
        .select_related("brand", "user")
        .order_by("full_name", "pk")
    )


def access_brand_patient(brand, patient_id) -> Patient:
    """One of ``brand``'s patients (callers checked the user is its staff); 404 (audited)."""
    patient = brand_patients(brand).filter(uuid=patient_id).first()
    if patient is None:
        raise Denied(Patient, patient_id)
    return patient
