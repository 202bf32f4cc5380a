"""State changes for legal documents and acceptances: every write goes through here.

Staff actions re-check that the acting user works for the document's brand (views have already
answered 404 to anyone else), run in one transaction and write an audit row. Creating and
publishing lock the brand row first, so version numbers are handed out one at a time and two
people publishing at once cannot both make "the current version". Markdown is rendered and
sanitised here, with the Help Center's renderer, so reads serve stored HTML.

Published versions are frozen: nothing here changes their text, and a new version is a new row.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.core import audit
from hale.core.markdown import clean_markdown_document, render_markdown
from hale.core.models import max_length
from hale.legal.models import LegalAcceptance, LegalDocument
from hale.tenancy.access import staff_brands
from hale.tenancy.models import Brand

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = max_length(LegalDocument, "title")
SUMMARY_MAX_LENGTH = max_length(LegalDocument, "change_summary")
USER_AGENT_MAX_LENGTH = max_length(LegalAcceptance, "user_agent")


class LegalError(ValidationError):
    """A change to a legal document or an acceptance that cannot be made, with a translated
    message for the person who asked."""


class DraftExists(LegalError):
    """A kind has at most one draft; ``draft`` is the one to continue."""

    def __init__(self, message: str, *, draft: LegalDocument):
        super().__init__(message, code="draft_exists")
        self.draft = draft


class NotBrandStaff(PermissionDenied):
    """The acting user does not work for the brand whose documents they tried to change."""


def _check_staff(user, brand: Brand) -> None:
    if not staff_brands(user).filter(pk=brand.pk).exists():
        raise NotBrandStaff(_("Only the brand's staff can change its legal documents."))


def _lock_brand(brand: Brand) -> Brand:
    return Brand.objects.select_for_update().get(pk=brand.pk)


def _lock(document: LegalDocument) -> LegalDocument:
    # Only the document row: the brand row is locked on its own, first, where needed.
    return (
        LegalDocument.objects.select_for_update(of=("self",))
        .select_related("brand")
        .get(pk=document.pk)
    )


def _clean(*, title: str, body_markdown: str, change_summary: str) -> dict:
    """Validated, normalised text fields, or a ValidationError keyed by field."""
    values, errors = clean_markdown_document(
        title=title,
        body_markdown=body_markdown,
        summary=change_summary,
        title_max=TITLE_MAX_LENGTH,
        summary_max=SUMMARY_MAX_LENGTH,
        summary_field="change_summary",
        messages={
            "no_title": _("Give the document a title."),
            "no_body": _("Write the document's text."),
            "body_too_long": _("Keep the text under %(max)d characters."),
        },
    )
    if errors:
        raise ValidationError(errors)
    return values


def _draft_exists(draft: LegalDocument) -> DraftExists:
    return DraftExists(
        _("Version %(version)d is already being written. Continue that draft.")
        % {"version": draft.version},
        draft=draft,
    )


@transaction.atomic
def create_draft(
    *,
    acting_user,
    brand: Brand,
    kind: str,
    title: str,
    body_markdown: str,
    change_summary: str = "",
) -> LegalDocument:
    """Start the next version of one of the brand's documents, as a draft.

    Its number is one more than the highest version of that kind. A kind has at most one
    draft at a time (``DraftExists`` names it), so the draft is always the newest version and
    publishing it makes it the current one."""
    _check_staff(acting_user, brand)
    if kind not in LegalDocument.Kind.values:
        raise LegalError(_("Choose the Terms of Service or the Privacy Policy."), code="kind")
    values = _clean(title=title, body_markdown=body_markdown, change_summary=change_summary)
    brand = _lock_brand(brand)
    documents = LegalDocument.objects.filter(brand=brand, kind=kind)
    draft = documents.filter(status=LegalDocument.Status.DRAFT).first()
    if draft is not None:
        raise _draft_exists(draft)
    version = (documents.aggregate(top=Max("version"))["top"] or 0) + 1
    now = timezone.now()
    document = LegalDocument(
        brand=brand,
        kind=kind,
        version=version,
        created_by=acting_user,
        created_at=now,
        updated_at=now,
        body_html=render_markdown(values["body_markdown"]),
        **values,
    )
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:  # pragma: no cover - the brand lock makes this a safety net
        raise LegalError(
            _("Someone else started a new version at the same moment. Reload and try again."),
            code="race",
        ) from exc
    audit.record(
        acting_user, "legal_document.created", document, brand=brand, kind=kind, version=version
    )
    return document


def _refuse_published(document: LegalDocument) -> None:
    if not document.is_draft:
        raise LegalError(
            _(
                "Version %(version)d is published and cannot be changed. "
                "Create a new version instead."
            )
            % {"version": document.version},
            code="published",
        )


@transaction.atomic
def update_draft(
    *,
    acting_user,
    document: LegalDocument,
    title: str,
    body_markdown: str,
    change_summary: str = "",
) -> LegalDocument:
    """Change a draft's text. Published versions are refused: they are frozen."""
    _check_staff(acting_user, document.brand)
    document = _lock(document)
    _refuse_published(document)
    values = _clean(title=title, body_markdown=body_markdown, change_summary=change_summary)
    changed = [name for name, value in values.items() if getattr(document, name) != value]
    if not changed:
        return document
    for name in changed:
        setattr(document, name, values[name])
    fields = [*changed, "updated_at"]
    if "body_markdown" in changed:
        document.body_html = render_markdown(document.body_markdown)
        fields.append("body_html")
    document.updated_at = timezone.now()
    document.save(update_fields=fields)
    audit.record(
        acting_user,
        "legal_document.updated",
        document,
        brand=document.brand,
        version=document.version,
        fields=changed,
    )
    return document


@transaction.atomic
def publish_document(*, acting_user, document: LegalDocument) -> LegalDocument:
    """Publish a draft: it becomes the brand's current version of its kind, and every
    signed-in patient is asked to accept it before going on (the consent gate compares
    acceptances with the current versions, so nothing else needs doing here)."""
    _check_staff(acting_user, document.brand)
    _lock_brand(document.brand)
    document = _lock(document)
    _refuse_published(document)
    now = timezone.now()
    document.status = LegalDocument.Status.PUBLISHED
    document.published_at = now
    document.published_by = acting_user
    document.updated_at = now
    document.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit.record(
        acting_user,
        "legal_document.published",
        document,
        brand=document.brand,
        kind=document.kind,
        version=document.version,
    )
    return document


@transaction.atomic
def discard_draft(*, acting_user, document: LegalDocument) -> None:
    """Throw a draft away (its number is used again by the next draft). Published versions
    are never deleted: acceptances point at them."""
    _check_staff(acting_user, document.brand)
    document = _lock(document)
    _refuse_published(document)
    audit.record(
        acting_user,
        "legal_document.discarded",
        document,
        brand=document.brand,
        kind=document.kind,
        version=document.version,
        title=document.title,
    )
    document.delete()


@transaction.atomic
def record_acceptance(
    *,
    user,
    brand: Brand,
    documents: list[LegalDocument],
    ip: str | None,
    user_agent: str,
) -> list[LegalAcceptance]:
    """Record that ``user`` accepted each of ``documents`` (published versions of ``brand``),
    with the time, their IP address and browser. Accepting the same version again changes
    nothing. Returns the acceptances made now."""
    if not documents:
        return []
    if any(d.brand_id != brand.pk or not d.is_published for d in documents):
        raise LegalError(
            _("Only this portal's published documents can be accepted."), code="not_acceptable"
        )
    already = set(
        LegalAcceptance.objects.filter(user=user, document__in=documents).values_list(
            "document_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        LegalAcceptance(
            user=user,
            brand=brand,
            document=document,
            version=document.version,
            accepted_at=now,
            ip_address=ip or None,
            user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH],
        )
        for document in {d.pk: d for d in documents}.values()
        if document.pk not in already
    ]
    if not new:
        return []
    # A second tab accepting at the same moment is not an error: the row exists either way.
    LegalAcceptance.objects.bulk_create(new, ignore_conflicts=True)
    audit.record(
        user,
        "legal.accepted",
        brand=brand,
        documents=[{"kind": a.document.kind, "version": a.version} for a in new],
        ip=ip or "",
    )
    return new
