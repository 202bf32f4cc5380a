import pytest
from django.db import connection
from django.http import Http404
from django.utils import translation

from hale.helpcenter import access


@pytest.fixture
def calm_articles(brand_a, staff_a, write_article):
    return {
        "booking": write_article(
            brand_a,
            staff_a,
            title="How to book your first session",
            summary="Pick a therapist and a time.",
            body="Choose a slot in the calendar, then pay.",
            position=10,
        ),
        "video": write_article(
            brand_a,
            staff_a,
            title="Preparing for a video session",
            body="Use headphones. You can book a test call.",
            position=20,
        ),
        "privacy": write_article(
            brand_a,
            staff_a,
            title="Privacy and your data",
            body="We never sell your data.",
            position=30,
        ),
        "draft": write_article(
            brand_a, staff_a, title="Secret draft about booking", body="Not ready.", publish=False
        ),
        "spanish": write_article(
            brand_a,
            staff_a,
            title="Cómo reservar",
            body="Elige una hora.",
            language="es",
            position=5,
        ),
        "english": write_article(
            brand_a,
            staff_a,
            title="Only for English readers",
            body="Hello.",
            language="en",
            position=40,
        ),
    }


def titles(articles):
    return [a.title for a in articles]


def test_published_articles_in_order_for_the_language(calm_articles, brand_a):
    assert titles(access.published_articles(brand_a, "en")) == [
        "How to book your first session",
        "Preparing for a video session",
        "Privacy and your data",
        "Only for English readers",
    ]
    assert titles(access.published_articles(brand_a, "es")) == [
        "Cómo reservar",
        "How to book your first session",
        "Preparing for a video session",
        "Privacy and your data",
    ]


def test_regional_language_codes_fall_back_to_the_base_language():
    assert access.reader_language("es-mx") == "es"
    assert access.reader_language("fr") == "en"


def test_featured_articles_follow_the_active_language_and_limit(calm_articles, brand_a):
    with translation.override("es"):
        featured = access.featured_articles(brand_a, limit=2)
    assert titles(featured) == ["Cómo reservar", "How to book your first session"]
    with translation.override("en"):
        assert "Cómo reservar" not in titles(access.featured_articles(brand_a))
    assert access.featured_articles(None) == []


def test_featured_articles_never_include_another_brands(calm_articles, brand_b):
    assert access.featured_articles(brand_b) == []


def test_access_article_opens_published_articles_of_the_brand(calm_articles, brand_a):
    assert access.access_article(brand_a, calm_articles["booking"].slug) == calm_articles["booking"]


def test_access_article_hides_drafts(calm_articles, brand_a):
    with pytest.raises(Http404):
        access.access_article(brand_a, calm_articles["draft"].slug)


def test_access_article_is_404_on_another_brand(calm_articles, brand_b):
    with pytest.raises(Http404):
        access.access_article(brand_b, calm_articles["booking"].slug)


def test_search_finds_by_title_and_ranks_title_matches_first(calm_articles, brand_a):
    # "book" is in one title and in another article's body.
    results = titles(access.search_articles(brand_a, "book", "en"))
    assert results == ["How to book your first session", "Preparing for a video session"]


def test_search_finds_by_body_text(calm_articles, brand_a):
    assert titles(access.search_articles(brand_a, "headphones", "en")) == [
        "Preparing for a video session"
    ]


def test_search_finds_by_summary(calm_articles, brand_a):
    assert titles(access.search_articles(brand_a, "therapist", "en")) == [
        "How to book your first session"
    ]


def test_search_is_case_insensitive_and_needs_every_word(calm_articles, brand_a):
    assert titles(access.search_articles(brand_a, "PRIVACY data", "en")) == [
        "Privacy and your data"
    ]
    assert titles(access.search_articles(brand_a, "privacy headphones", "en")) == []


def test_search_skips_drafts_other_languages_and_other_brands(
    calm_articles, brand_a, brand_b, staff_b, write_article
):
    write_article(brand_b, staff_b, title="Northside booking guide", body="Book here.")
    found = titles(access.search_articles(brand_a, "booking", "en"))
    assert "Secret draft about booking" not in found
    assert "Northside booking guide" not in found
    assert titles(access.search_articles(brand_a, "reservar", "en")) == []
    assert titles(access.search_articles(brand_a, "reservar", "es")) == ["Cómo reservar"]
    assert titles(access.search_articles(brand_b, "booking", "en")) == ["Northside booking guide"]


@pytest.mark.parametrize("query", ["", "   ", None])
def test_a_blank_search_finds_nothing(calm_articles, brand_a, query):
    assert list(access.search_articles(brand_a, query, "en")) == []


def test_a_search_with_like_wildcards_is_literal(calm_articles, brand_a):
    assert list(access.search_articles(brand_a, "%", "en")) == []
    assert list(access.search_articles(brand_a, "_", "en")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgres_search_uses_the_languages_stemming(calm_articles, brand_a):
    # "booking" and "sessions" stem to "book" and "session" in the English configuration.
    assert "How to book your first session" in titles(
        access.search_articles(brand_a, "booking sessions", "en")
    )
    # Spanish stemming: "reservas" → "reserv".
    assert titles(access.search_articles(brand_a, "reservas", "es")) == ["Cómo reservar"]
