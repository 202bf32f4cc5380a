"""Scoped reads for legal documents and acceptances.

Guests and patients see a brand's published versions; staff see every version of a brand they
work for (the views check that with ``access_staff_brand`` first). Anything else answers 404.

The re-consent gate asks :func:`consent_status` on every request of a signed-in user on a
brand host, so it answers in one query and remembers the answer on the request.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest

from hale.legal.models import LegalAcceptance, LegalDocument
from hale.tenancy.models import Brand

KINDS = tuple(LegalDocument.Kind)
KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
# What lists and the consent gate need; the texts stay in the database.
LIGHT_FIELDS = ("body_markdown", "body_html")

Published = LegalDocument.Status.PUBLISHED


def kind_from_slug(slug: str) -> LegalDocument.Kind:
    """The kind named in a URL (``terms`` or ``privacy``), or 404."""
    try:
        return LegalDocument.Kind(slug)
    except ValueError:
        raise Http404 from None


def _by_kind(documents) -> list[LegalDocument]:
    return sorted(documents, key=lambda d: KIND_ORDER.get(d.kind, 99))


def current_documents_queryset(brand: Brand) -> QuerySet[LegalDocument]:
    """The brand's current documents: the highest published version of each kind."""
    newer = LegalDocument.objects.filter(
        brand=OuterRef("brand"),
        kind=OuterRef("kind"),
        status=Published,
        version__gt=OuterRef("version"),
    )
    return LegalDocument.objects.filter(brand=brand, status=Published).filter(~Exists(newer))


def current_documents(brand: Brand | None, *, with_text: bool = False) -> list[LegalDocument]:
    """The brand's current documents, Terms first; empty when none is published."""
    if brand is None:
        return []
    documents = current_documents_queryset(brand)
    if not with_text:
        documents = documents.defer(*LIGHT_FIELDS)
    return _by_kind(documents)


def current_document(brand: Brand, kind: str, *, with_text: bool = False) -> LegalDocument | None:
    """The current (highest published) version of one kind, or None."""
    documents = current_documents_queryset(brand).filter(kind=kind)
    if not with_text:
        documents = documents.defer(*LIGHT_FIELDS)
    return documents.first()


def published_document(brand: Brand, kind: str, version: int | None = None) -> LegalDocument:
    """A published version of the brand's document (the current one when ``version`` is
    None); otherwise 404. Drafts are never shown to patients."""
    if version is None:
        document = current_documents_queryset(brand).filter(kind=kind).first()
    else:
        document = LegalDocument.objects.filter(
            brand=brand, kind=kind, version=version, status=Published
        ).first()
    if document is None:
        raise Http404
    return document


def published_versions(brand: Brand, kind: str) -> list[LegalDocument]:
    """Every published version of one kind, newest first (for the "earlier versions" list)."""
    return list(
        LegalDocument.objects.filter(brand=brand, kind=kind, status=Published)
        .defer(*LIGHT_FIELDS)
        .order_by("-version")
    )


# --- Consent of a signed-in patient ---------------------------------------------------------


@dataclass
class ConsentStatus:
    """Where a signed-in user stands with the brand's current documents."""

    is_patient: bool = False
    documents: list[LegalDocument] = field(default_factory=list)

    @property
    def pending(self) -> list[LegalDocument]:
        """Current documents the user has not accepted (empty for non-patients)."""
        if not self.is_patient:
            return []
        return [d for d in self.documents if not getattr(d, "accepted", False)]

    @property
    def needs_consent(self) -> bool:
        return bool(self.pending)


NO_CONSENT_NEEDED = ConsentStatus()


def consent_status_for(user, brand: Brand) -> ConsentStatus:
    """One query: the brand's current documents, each marked ``accepted`` by ``user``, and
    whether ``user`` is a patient of the brand (only patients are asked to accept)."""
    documents = list(
        current_documents_queryset(brand)
        .defer(*LIGHT_FIELDS)
        .annotate(
            accepted=Exists(LegalAcceptance.objects.filter(user=user, document=OuterRef("pk"))),
            # Patients hang off the brand (``brand.patients``, from the accounts app above).
            is_patient=Exists(Brand.objects.filter(pk=brand.pk, patients__user=user)),
        )
    )
    if not documents:
        return NO_CONSENT_NEEDED
    return ConsentStatus(is_patient=documents[0].is_patient, documents=_by_kind(documents))


def consent_status(request: HttpRequest, *, refresh: bool = False) -> ConsentStatus:
    """:func:`consent_status_for` the request's user and brand, remembered on the request.

    No query for guests or on the platform host."""
    brand = getattr(request, "brand", None)
    user = getattr(request, "user", None)
    if brand is None or user is None or not user.is_authenticated:
        return NO_CONSENT_NEEDED
    cached = getattr(request, "_hale_consent_status", None)
    if cached is None or refresh:
        cached = consent_status_for(user, brand)
        request._hale_consent_status = cached  # type: ignore[attr-defined]  # per-request memo
    return cached


def previously_accepted_versions(user, documents: list[LegalDocument]) -> dict[str, int]:
    """For each kind among ``documents``, the highest version ``user`` accepted before."""
    if not documents:
        return {}
    brand_id = documents[0].brand_id
    rows = (
        LegalAcceptance.objects.filter(
            user=user, brand_id=brand_id, document__kind__in=[d.kind for d in documents]
        )
        .values_list("document__kind", "version")
        .order_by("version")
    )
    return dict(rows)


# --- Staff (back office) --------------------------------------------------------------------


def staff_documents(brand: Brand) -> QuerySet[LegalDocument]:
    """Every version of every document of ``brand``, newest first, for its back office.

    The caller has already checked the user through ``access_staff_brand``."""
    return (
        LegalDocument.objects.filter(brand=brand)
        .defer(*LIGHT_FIELDS)
        .select_related("created_by", "published_by")
        .order_by("kind", "-version")
    )


def access_staff_document(brand: Brand, document_id: uuid.UUID | str) -> LegalDocument:
    """A document version of ``brand`` by its public id; 404 for another brand's or a missing
    one."""
    document = (
        LegalDocument.objects.filter(brand=brand, uuid=document_id)
        .select_related("brand", "created_by", "published_by")
        .first()
    )
    if document is None:
        raise Http404
    return document


def draft_of(brand: Brand, kind: str) -> LegalDocument | None:
    return LegalDocument.objects.filter(
        brand=brand, kind=kind, status=LegalDocument.Status.DRAFT
    ).first()
