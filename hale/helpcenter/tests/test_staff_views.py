import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hale.core.models import AuditEvent
from hale.helpcenter.models import Article

PLATFORM = "localhost"


def url(name, brand, article=None):
    args = [brand.slug] if article is None else [brand.slug, article.uuid]
    return reverse(name, args=args, urlconf="hale.urls_platform")


def form_data(**overrides):
    return {
        "title": "Paying for sessions",
        "slug": "",
        "summary": "Cards and receipts.",
        "body_markdown": "## How\n\nPay by **card**.",
        "language": "",
        "position": "10",
        **overrides,
    }


@pytest.fixture
def calm_article(brand_a, staff_a, write_article):
    return write_article(
        brand_a,
        staff_a,
        title="Cancelling",
        slug="cancelling",
        body="Cancel up to 24 hours before.",
        publish=False,
    )


def test_staff_list_shows_every_article_of_the_brand(
    client_for, staff_a, brand_a, calm_article, brand_b, staff_b, write_article
):
    write_article(brand_b, staff_b, title="Northside only", body="x")
    response = client_for(staff_a).get(url("staff_help_list", brand_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Help Center articles for Calm Minds" in html
    assert "Cancelling" in html and "Draft" in html
    assert "Northside only" not in html
    assert url("staff_help_edit", brand_a, calm_article) in html


def test_staff_list_queries_do_not_grow_with_articles(client_for, staff_a, brand_a, write_article):
    client = client_for(staff_a)
    write_article(brand_a, staff_a, title="A 1", body="x")

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("staff_help_list", brand_a)).status_code == 200
        return len(ctx.captured_queries)

    few = count_queries()
    for n in range(2, 12):
        write_article(
            brand_a,
            staff_a,
            title=f"A {n}",
            body="x",
            publish=n % 2 == 0,
            language="es" if n % 3 else "",
        )
    assert count_queries() == few


def test_create_page_has_labelled_fields(client_for, staff_a, brand_a):
    html = client_for(staff_a).get(url("staff_help_create", brand_a)).content.decode()
    for field, label in [
        ("title", "Title"),
        ("slug", "Address"),
        ("body_markdown", "Article text (Markdown)"),
        ("language", "Language"),
    ]:
        assert f'<label for="id_{field}">{label}</label>' in html
    assert 'hx-post="' + url("staff_help_preview", brand_a) + '"' in html
    assert "<h1>Write an article</h1>" in html


def test_staff_creates_a_draft(client_for, staff_a, brand_a):
    response = client_for(staff_a).post(
        url("staff_help_create", brand_a), form_data(intent="draft")
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("staff_help_edit", brand_a, article)
    assert (article.brand, article.slug, article.status) == (
        brand_a,
        "paying-for-sessions",
        Article.Status.DRAFT,
    )
    assert "<strong>card</strong>" in article.body_html
    assert AuditEvent.objects.filter(action="help_article.created", actor=staff_a).exists()


def test_staff_creates_and_publishes(client_for, staff_a, brand_a):
    client_for(staff_a).post(url("staff_help_create", brand_a), form_data(intent="publish"))
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_create_with_a_taken_slug_shows_the_error_and_saves_nothing(
    client_for, staff_a, brand_a, calm_article
):
    response = client_for(staff_a).post(
        url("staff_help_create", brand_a), form_data(slug="cancelling", intent="draft")
    )
    assert response.status_code == 200
    assert "Another article of this brand already uses this address." in response.content.decode()
    assert Article.objects.count() == 1


def test_create_with_missing_fields_shows_errors(client_for, staff_a, brand_a):
    response = client_for(staff_a).post(
        url("staff_help_create", brand_a), form_data(title="", body_markdown="")
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Article.objects.exists()


def test_preview_button_renders_without_saving(client_for, staff_a, brand_a):
    response = client_for(staff_a).post(
        url("staff_help_create", brand_a),
        form_data(body_markdown="*preview me* <script>x()</script>", intent="preview"),
    )
    html = response.content.decode()
    assert "<em>preview me</em>" in html
    assert "<script>x()" not in html
    assert not Article.objects.exists()


def test_htmx_preview_returns_the_partial(client_for, staff_a, brand_a):
    response = client_for(staff_a).post(
        url("staff_help_preview", brand_a),
        {"body_markdown": "# Hi <img src=x onerror=y()>"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Hi" in html
    assert "onerror" not in html
    assert "<html" not in html


def test_edit_page_shows_the_saved_preview(client_for, staff_a, brand_a, calm_article):
    html = client_for(staff_a).get(url("staff_help_edit", brand_a, calm_article)).content.decode()
    assert "Edit “Cancelling”" in html
    assert "<p>Cancel up to 24 hours before.</p>" in html
    assert 'value="Cancelling"' in html


def test_staff_edits_an_article(client_for, staff_a, brand_a, calm_article):
    response = client_for(staff_a).post(
        url("staff_help_edit", brand_a, calm_article),
        form_data(title="Cancelling a session", slug="cancelling", body_markdown="New *text*"),
    )
    assert response.status_code == 302
    calm_article.refresh_from_db()
    assert calm_article.title == "Cancelling a session"
    assert calm_article.body_html == "<p>New <em>text</em></p>"


def test_staff_publishes_and_unpublishes(client_for, staff_a, brand_a, calm_article):
    client = client_for(staff_a)
    response = client.post(url("staff_help_publish", brand_a, calm_article))
    assert response["Location"] == url("staff_help_list", brand_a)
    calm_article.refresh_from_db()
    assert calm_article.status == Article.Status.PUBLISHED
    response = client.post(
        url("staff_help_unpublish", brand_a, calm_article), {"return_to": "edit"}
    )
    assert response["Location"] == url("staff_help_edit", brand_a, calm_article)
    calm_article.refresh_from_db()
    assert calm_article.status == Article.Status.DRAFT


def test_publish_needs_post(client_for, staff_a, brand_a, calm_article):
    assert (
        client_for(staff_a).get(url("staff_help_publish", brand_a, calm_article)).status_code == 405
    )


def test_staff_deletes_after_confirming(client_for, staff_a, brand_a, calm_article):
    client = client_for(staff_a)
    confirm = client.get(url("staff_help_delete", brand_a, calm_article))
    assert "Delete “Cancelling”?" in confirm.content.decode()
    assert Article.objects.exists()
    response = client.post(url("staff_help_delete", brand_a, calm_article))
    assert response["Location"] == url("staff_help_list", brand_a)
    assert not Article.objects.exists()


def test_operator_manages_any_brand(client_for, operator, brand_a, calm_article):
    assert client_for(operator).get(url("staff_help_list", brand_a)).status_code == 200


def _every_staff_request(brand, article):
    return [
        ("get", url("staff_help_list", brand), None),
        ("get", url("staff_help_create", brand), None),
        ("post", url("staff_help_create", brand), form_data(intent="publish")),
        ("post", url("staff_help_preview", brand), {"body_markdown": "x"}),
        ("get", url("staff_help_edit", brand, article), None),
        ("post", url("staff_help_edit", brand, article), form_data(title="Hacked")),
        ("get", url("staff_help_delete", brand, article), None),
        ("post", url("staff_help_delete", brand, article), None),
        ("post", url("staff_help_publish", brand, article), None),
        ("post", url("staff_help_unpublish", brand, article), None),
    ]


def _snapshot():
    return (list(Article.objects.order_by("pk").values()), AuditEvent.objects.count())


def test_staff_of_another_brand_gets_404_everywhere_and_nothing_changes(
    client_for, staff_b, brand_a, calm_article
):
    client = client_for(staff_b)
    before = _snapshot()
    for method, address, data in _every_staff_request(brand_a, calm_article):
        response = getattr(client, method)(address, data or {})
        assert response.status_code == 404, (method, address)
        assert b"Cancelling" not in response.content
    assert _snapshot() == before


def test_an_article_of_another_brand_is_404_under_ones_own_brand(
    client_for, staff_b, brand_b, calm_article
):
    # staff_b works for northside, and tries calm's article id under the northside URLs.
    client = client_for(staff_b)
    before = _snapshot()
    for method, address, data in _every_staff_request(brand_b, calm_article)[4:]:
        assert getattr(client, method)(address, data or {}).status_code == 404, (method, address)
    assert _snapshot() == before


def test_patients_get_404_on_the_back_office(client_for, patient_a, brand_a, calm_article):
    client = client_for(patient_a.user)
    before = _snapshot()
    for method, address, data in _every_staff_request(brand_a, calm_article):
        assert getattr(client, method)(address, data or {}).status_code == 404, (method, address)
    assert _snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, brand_a, calm_article):
    client = anonymous(PLATFORM)
    login = reverse("account_login", urlconf="hale.urls_platform")
    before = _snapshot()
    for method, address, data in _every_staff_request(brand_a, calm_article):
        response = getattr(client, method)(address, data or {})
        assert response.status_code == 302, (method, address)
        assert response["Location"].startswith(login)
    assert _snapshot() == before


def test_back_office_is_not_served_on_a_brand_host(client_for, staff_a, brand_a):
    response = client_for(staff_a, "calm.localhost").get(f"/staff/brands/{brand_a.slug}/help/")
    assert response.status_code == 404


def test_edit_page_links_a_published_article_on_the_brand_host(
    client_for, staff_a, brand_a, write_article
):
    article = write_article(brand_a, staff_a, title="Live", slug="live")
    client = client_for(staff_a, "localhost:8000")
    html = client.get(url("staff_help_edit", brand_a, article)).content.decode()
    assert 'href="http://calm.localhost:8000/help/live/"' in html


def test_preview_works_before_the_form_is_complete(client_for, staff_a, brand_a, calm_article):
    response = client_for(staff_a).post(
        url("staff_help_edit", brand_a, calm_article),
        form_data(title="", body_markdown="**draft text**", intent="preview"),
    )
    html = response.content.decode()
    assert "<strong>draft text</strong>" in html
    assert 'aria-invalid="true"' not in html
    calm_article.refresh_from_db()
    assert calm_article.title == "Cancelling"
