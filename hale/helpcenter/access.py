"""Scoped reads for the Help Center.

Patients (guests included) see a brand's published articles in their language; staff see every
article of a brand they work for. Anything else answers 404, as if it did not exist.
"""

import functools
import operator
import uuid

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import translation

from hale.helpcenter.models import Article
from hale.tenancy.models import Brand

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8
MAX_RESULTS = 50
# PostgreSQL text-search configurations (stemming and stop words) per site language.
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


def reader_language(language: str | None = None) -> str:
    """A code from settings.LANGUAGES for ``language`` (default: the active language)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    known = dict(settings.LANGUAGES)
    if code in known:
        return code
    base = code.split("-")[0]
    return base if base in known else settings.LANGUAGE_CODE


def published_articles(brand: Brand, language: str | None = None) -> QuerySet[Article]:
    """The brand's published articles a reader of ``language`` sees, in display order."""
    return Article.objects.filter(
        brand=brand,
        status=Article.Status.PUBLISHED,
        language__in=["", reader_language(language)],
    ).order_by("position", "title")


def featured_articles(brand: Brand | None, limit: int = 5) -> list[Article]:
    """The first few published articles for the home page, in the active language."""
    if brand is None:
        return []
    return list(published_articles(brand).defer("body_markdown", "body_html")[:limit])


def access_article(brand: Brand, slug: str) -> Article:
    """A published article of ``brand`` by its address, in any language; otherwise 404."""
    article = Article.objects.filter(
        brand=brand, slug=slug, status=Article.Status.PUBLISHED
    ).first()
    if article is None:
        raise Http404
    return article


def normalise_query(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def search_articles(brand: Brand, query: str, language: str | None = None) -> QuerySet[Article]:
    """Published articles matching ``query`` in the title, summary or body, best first.

    A blank query matches nothing (the caller shows the full list instead). PostgreSQL uses
    full-text search with the reader's language configuration, so "booking" finds "book";
    other databases match every word case-insensitively. Title matches come first on both.
    """
    query = normalise_query(query)
    language = reader_language(language)
    articles = published_articles(brand, language).defer("body_markdown", "body_html")
    if not query:
        return articles.none()
    if connection.vendor == "postgresql":
        found = _search_postgres(articles, query, language)
    else:
        found = _search_portable(articles, query)
    return found[:MAX_RESULTS]


def _title_hit(query: str) -> Case:
    return Case(
        When(title__icontains=query, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def _search_postgres(articles: QuerySet[Article], query: str, language: str) -> QuerySet[Article]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    config = SEARCH_CONFIGS.get(language, "simple")
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body_markdown", weight="C", config=config)
    )
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return (
        articles.annotate(document=vector)
        # The title substring keeps half-typed words ("resched") finding their article.
        .filter(Q(document=search_query) | Q(title__icontains=query))
        .annotate(rank=SearchRank(F("document"), search_query), title_hit=_title_hit(query))
        .order_by("-title_hit", "-rank", "position", "title")
    )


def _search_portable(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    terms = query.split()[:MAX_QUERY_TERMS]
    matches_every_term = functools.reduce(
        operator.and_,
        (
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body_markdown__icontains=term)
            for term in terms
        ),
    )

    def hits(field: str):
        return functools.reduce(
            operator.add,
            (
                Case(
                    When(**{f"{field}__icontains": term}, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for term in terms
            ),
        )

    return (
        articles.filter(matches_every_term)
        .annotate(
            title_hit=_title_hit(query), title_hits=hits("title"), summary_hits=hits("summary")
        )
        .order_by("-title_hit", "-title_hits", "-summary_hits", "position", "title")
    )


# --- Staff (back office) --------------------------------------------------------------------


def staff_articles(brand: Brand) -> QuerySet[Article]:
    """Every article of ``brand``, drafts included, for its back office.

    The caller has already checked the user through ``access_staff_brand``.
    """
    return (
        Article.objects.filter(brand=brand)
        .select_related("created_by")
        .order_by("position", "title")
    )


def access_staff_article(brand: Brand, article_id: uuid.UUID | str) -> Article:
    """An article of ``brand`` by its public id; 404 for another brand's or a missing one."""
    article = Article.objects.filter(brand=brand, uuid=article_id).select_related("brand").first()
    if article is None:
        raise Http404
    return article
