import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

CALM = "calm.localhost"
NORTHSIDE = "northside.localhost"


def help_url(slug=None):
    if slug is None:
        return reverse("help_index", urlconf="hale.urls_brand")
    return reverse("help_article", args=[slug], urlconf="hale.urls_brand")


@pytest.fixture
def calm_booking(brand_a, staff_a, write_article):
    return write_article(
        brand_a,
        staff_a,
        title="How to book your first session",
        slug="how-to-book-your-first-session",
        summary="Pick a therapist and a time.",
        body="## Steps\n\nChoose a slot in the calendar.\n\n"
        "<script>alert('x')</script>[bad](javascript:alert(1))",
    )


@pytest.fixture
def calm_video(brand_a, staff_a, write_article):
    return write_article(
        brand_a,
        staff_a,
        title="Preparing for a video session",
        body="Use headphones and book a test call.",
    )


@pytest.fixture
def northside_secret(brand_b, staff_b, write_article):
    return write_article(
        brand_b,
        staff_b,
        title="Northside shop orders",
        slug="shop-orders",
        body="Order products in the Northside shop.",
    )


def test_guest_sees_the_search_form_and_articles(anonymous, calm_booking, calm_video):
    response = anonymous(CALM).get(help_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="help-search-input">Search the Help Center</label>' in html
    assert re.search(r'<input type="search" id="help-search-input" name="q"', html)
    assert re.search(r'<button type="submit"[^>]*>Search</button>', html)
    assert "<h1>Help Center</h1>" in html
    assert "How to book your first session" in html
    assert "Pick a therapist and a time." in html
    assert f'href="{help_url(calm_video.slug)}"' in html


def test_guest_reads_an_article_with_safe_html(anonymous, calm_booking):
    response = anonymous(CALM).get(help_url(calm_booking.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>How to book your first session</h1>" in html
    assert "<h2>Steps</h2>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert f'href="{help_url()}"' in html
    assert "Back to the Help Center" in html
    # The updated date goes through the `when` filter, which names the viewer's zone.
    assert "(Europe/London)" in html
    assert '<time datetime="' in html


def test_signed_in_patient_reads_the_help_center(client_for, patient_a, calm_booking):
    client = client_for(patient_a.user, CALM)
    assert client.get(help_url()).status_code == 200
    assert client.get(help_url(calm_booking.slug)).status_code == 200


def test_search_by_title_shows_a_count(anonymous, calm_booking, calm_video):
    response = anonymous(CALM).get(help_url(), {"q": "video"})
    html = response.content.decode()
    assert "1 result for “video”" in html
    assert "Preparing for a video session" in html
    assert "How to book your first session" not in html
    assert 'value="video"' in html


def test_search_by_body_text(anonymous, calm_booking, calm_video):
    html = anonymous(CALM).get(help_url(), {"q": "headphones"}).content.decode()
    assert "1 result for “headphones”" in html
    assert "Preparing for a video session" in html


def test_search_counts_several_results(anonymous, calm_booking, calm_video):
    html = anonymous(CALM).get(help_url(), {"q": "book"}).content.decode()
    assert "2 results for “book”" in html


def test_search_with_no_results_has_a_clear_empty_state(anonymous, calm_booking):
    html = anonymous(CALM).get(help_url(), {"q": "zebra"}).content.decode()
    assert "0 results for “zebra”" in html
    assert "No articles match “zebra”" in html
    assert "Show all articles" in html


def test_search_query_is_escaped(anonymous, calm_booking):
    html = anonymous(CALM).get(help_url(), {"q": "<img src=x onerror=alert(1)>"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_empty_help_center_says_so(anonymous, brand_a):
    html = anonymous(CALM).get(help_url()).content.decode()
    assert "There are no Help Center articles yet." in html


def test_another_brands_article_is_never_listed_searched_or_opened(
    anonymous, calm_booking, northside_secret
):
    client = anonymous(CALM)
    assert "Northside shop orders" not in client.get(help_url()).content.decode()
    html = client.get(help_url(), {"q": "shop"}).content.decode()
    assert "Northside shop orders" not in html
    assert "0 results for “shop”" in html
    assert client.get(help_url(northside_secret.slug)).status_code == 404
    # …while on its own brand it is there.
    assert anonymous(NORTHSIDE).get(help_url(northside_secret.slug)).status_code == 200


def test_drafts_are_invisible_to_patients(
    anonymous, client_for, patient_a, brand_a, staff_a, write_article
):
    draft = write_article(brand_a, staff_a, title="Unfinished draft", body="wip", publish=False)
    for client in (anonymous(CALM), client_for(patient_a.user, CALM)):
        assert "Unfinished draft" not in client.get(help_url()).content.decode()
        assert (
            "Unfinished draft" not in client.get(help_url(), {"q": "unfinished"}).content.decode()
        )
        assert client.get(help_url(draft.slug)).status_code == 404


def test_the_readers_language_picks_the_articles(anonymous, brand_a, staff_a, write_article):
    write_article(brand_a, staff_a, title="Everyone sees this", body="x")
    write_article(brand_a, staff_a, title="English readers only", body="x", language="en")
    write_article(brand_a, staff_a, title="Solo en español", body="x", language="es")
    english = anonymous(CALM).get(help_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = anonymous(CALM).get(help_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Everyone sees this" in english and "Everyone sees this" in spanish
    assert "English readers only" in english and "English readers only" not in spanish
    assert "Solo en español" in spanish and "Solo en español" not in english


def test_an_article_in_another_language_is_marked_with_its_language(
    anonymous, brand_a, staff_a, write_article
):
    article = write_article(
        brand_a, staff_a, title="Solo en español", body="x", language="es", slug="solo"
    )
    html = anonymous(CALM).get(help_url(article.slug), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<article class="help-article" lang="es">' in html


def test_list_page_queries_do_not_grow_with_articles(anonymous, brand_a, staff_a, write_article):
    client = anonymous(CALM)

    def count_queries(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(help_url(), params).status_code == 200
        return len(ctx.captured_queries)

    write_article(brand_a, staff_a, title="Book 1", body="x")
    few, few_search = count_queries({}), count_queries({"q": "book"})
    for n in range(2, 12):
        write_article(brand_a, staff_a, title=f"Book {n}", body="x")
    assert count_queries({}) == few
    assert count_queries({"q": "book"}) == few_search


def test_help_pages_only_answer_get(anonymous, calm_booking):
    assert anonymous(CALM).post(help_url()).status_code == 405


def test_home_page_features_published_articles_of_the_brand(
    anonymous, calm_booking, northside_secret, brand_a, staff_a, write_article
):
    write_article(brand_a, staff_a, title="Hidden draft", body="x", publish=False)
    html = anonymous(CALM).get("/").content.decode()
    assert f'href="{help_url(calm_booking.slug)}"' in html
    assert "Hidden draft" not in html
    assert "Northside shop orders" not in html
