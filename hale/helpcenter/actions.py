"""State changes for the Help Center: every write to an article goes through here.

Each action re-checks that the acting user works for the article's brand (views have already
answered 404 to anyone else; this is the second lock on the door), runs in one transaction and
writes an audit row. Markdown is rendered and sanitised here, on save, so reads serve stored HTML.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hale.core import audit
from hale.core.markdown import clean_markdown_document, render_markdown
from hale.core.models import max_length
from hale.helpcenter.models import Article
from hale.tenancy.access import staff_brands
from hale.tenancy.models import Brand

SLUG_MAX_LENGTH = max_length(Article, "slug")
TITLE_MAX_LENGTH = max_length(Article, "title")
SUMMARY_MAX_LENGTH = max_length(Article, "summary")
POSITION_MAX = 32767
CONTENT_FIELDS = ["title", "slug", "summary", "body_markdown", "language", "position"]


class NotBrandStaff(PermissionDenied):
    """The acting user does not work for the brand whose Help Center they tried to change."""


def _check_staff(user, brand: Brand) -> None:
    if not staff_brands(user).filter(pk=brand.pk).exists():
        raise NotBrandStaff(_("Only the brand's staff can change its Help Center."))


def _slug_taken(brand: Brand, slug: str, exclude_pk: int | None) -> bool:
    others = Article.objects.filter(brand=brand, slug=slug)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def _free_slug(brand: Brand, title: str, exclude_pk: int | None) -> str:
    """A slug made from the title, with -2, -3… appended until it is unused on the brand."""
    base = slugify(title)[: SLUG_MAX_LENGTH - 4].strip("-") or "article"
    similar = Article.objects.filter(brand=brand, slug__startswith=base)
    if exclude_pk is not None:
        similar = similar.exclude(pk=exclude_pk)
    taken = set(similar.values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _clean(
    *,
    brand: Brand,
    exclude_pk: int | None,
    title: str,
    slug: str,
    summary: str,
    body_markdown: str,
    language: str,
    position: int,
) -> dict:
    """Validated, normalised field values, or a ValidationError keyed by field."""
    values, errors = clean_markdown_document(
        title=title,
        body_markdown=body_markdown,
        summary=summary,
        title_max=TITLE_MAX_LENGTH,
        summary_max=SUMMARY_MAX_LENGTH,
        messages={
            "no_title": _("Give the article a title."),
            "no_body": _("Write the article's text."),
            "body_too_long": _("Keep the article under %(max)d characters."),
        },
    )
    title = values["title"]
    slug = (slug or "").strip().lower()
    language = language or ""
    if language and language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the languages offered.")
    if not isinstance(position, int) or not 0 <= position <= POSITION_MAX:
        errors["position"] = _("Use a whole number between 0 and %(max)d.") % {"max": POSITION_MAX}
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            errors["slug"] = _("Use only letters, numbers, hyphens and underscores.")
        else:
            if len(slug) > SLUG_MAX_LENGTH:
                errors["slug"] = _("Keep the address under %(max)d characters.") % {
                    "max": SLUG_MAX_LENGTH
                }
            elif _slug_taken(brand, slug, exclude_pk):
                errors["slug"] = _("Another article of this brand already uses this address.")
    elif title:
        slug = _free_slug(brand, title, exclude_pk)
    if errors:
        raise ValidationError(errors)
    return {**values, "slug": slug, "language": language, "position": position}


def _save(article: Article, **kwargs) -> None:
    """Save, turning a lost race for the same slug into the same message as the check."""
    try:
        with transaction.atomic():
            article.save(**kwargs)
    except IntegrityError as exc:
        if _slug_taken(article.brand, article.slug, article.pk):
            raise ValidationError(
                {"slug": _("Another article of this brand already uses this address.")}
            ) from exc
        raise


@transaction.atomic
def create_article(
    *,
    acting_user,
    brand: Brand,
    title: str,
    body_markdown: str,
    summary: str = "",
    slug: str = "",
    language: str = "",
    position: int = 100,
    publish: bool = False,
) -> Article:
    """Write a new article (a draft unless ``publish``). A blank slug is made from the title."""
    _check_staff(acting_user, brand)
    values = _clean(
        brand=brand,
        exclude_pk=None,
        title=title,
        slug=slug,
        summary=summary,
        body_markdown=body_markdown,
        language=language,
        position=position,
    )
    now = timezone.now()
    article = Article(
        brand=brand,
        created_by=acting_user,
        created_at=now,
        updated_at=now,
        body_html=render_markdown(values["body_markdown"]),
        **values,
    )
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = now
    _save(article)
    audit.record(
        acting_user,
        "help_article.created",
        article,
        brand=brand,
        slug=article.slug,
        status=article.status,
    )
    return article


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().select_related("brand").get(pk=article.pk)


@transaction.atomic
def update_article(
    *,
    acting_user,
    article: Article,
    title: str | None = None,
    body_markdown: str | None = None,
    summary: str | None = None,
    slug: str | None = None,
    language: str | None = None,
    position: int | None = None,
) -> Article:
    """Change an article's text or settings; a value left as None (or a blank slug) is kept.

    The status is left as it was: publishing has its own actions.
    """
    _check_staff(acting_user, article.brand)
    article = _locked(article)

    def given(name: str, value):
        return getattr(article, name) if value is None else value

    values = _clean(
        brand=article.brand,
        exclude_pk=article.pk,
        title=given("title", title),
        slug=slug or article.slug,
        summary=given("summary", summary),
        body_markdown=given("body_markdown", body_markdown),
        language=given("language", language),
        position=given("position", position),
    )
    changed = [name for name, value in values.items() if getattr(article, name) != value]
    if not changed:
        return article
    for name in changed:
        setattr(article, name, values[name])
    fields = [*changed, "updated_at"]
    if "body_markdown" in changed:
        article.body_html = render_markdown(article.body_markdown)
        fields.append("body_html")
    article.updated_at = timezone.now()
    _save(article, update_fields=fields)
    audit.record(acting_user, "help_article.updated", article, brand=article.brand, fields=changed)
    return article


@transaction.atomic
def publish_article(*, acting_user, article: Article) -> Article:
    """Show the article to patients. Publishing a published article changes nothing."""
    _check_staff(acting_user, article.brand)
    article = _locked(article)
    if article.status == Article.Status.PUBLISHED:
        return article
    article.status = Article.Status.PUBLISHED
    fields = ["status"]
    if article.published_at is None:
        article.published_at = timezone.now()
        fields.append("published_at")
    article.save(update_fields=fields)
    audit.record(acting_user, "help_article.published", article, brand=article.brand)
    return article


@transaction.atomic
def unpublish_article(*, acting_user, article: Article) -> Article:
    """Hide the article from patients (it becomes a draft again)."""
    _check_staff(acting_user, article.brand)
    article = _locked(article)
    if article.status == Article.Status.DRAFT:
        return article
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status"])
    audit.record(acting_user, "help_article.unpublished", article, brand=article.brand)
    return article


@transaction.atomic
def delete_article(*, acting_user, article: Article) -> None:
    """Remove the article for good; the audit row keeps its title and address."""
    _check_staff(acting_user, article.brand)
    article = _locked(article)
    audit.record(
        acting_user,
        "help_article.deleted",
        article,
        brand=article.brand,
        title=article.title,
        slug=article.slug,
    )
    article.delete()


@transaction.atomic
def rerender_articles(*, acting_user=None, brand: Brand | None = None) -> int:
    """Render every article again (after the Markdown allow-list changes); returns the count.

    A maintenance task for operators, so it does not check brand membership.
    """
    articles = list(
        Article.objects.select_for_update()
        .filter(**({"brand": brand} if brand else {}))
        .only("pk", "body_markdown", "body_html")
    )
    stale = []
    for article in articles:
        html = render_markdown(article.body_markdown)
        if html != article.body_html:
            article.body_html = html
            stale.append(article)
    Article.objects.bulk_update(stale, ["body_html"], batch_size=200)
    audit.record(acting_user, "help_article.rerendered", brand=brand, count=len(stale))
    return len(stale)
