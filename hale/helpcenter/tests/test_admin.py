from django.urls import reverse

from hale.core.models import AuditEvent
from hale.helpcenter.models import Article


def admin_url(name, *args):
    return reverse(f"admin:helpcenter_article_{name}", args=args, urlconf="hale.urls_platform")


def test_operator_adds_and_edits_through_the_actions(client_for, operator, brand_a):
    client = client_for(operator)
    response = client.post(
        admin_url("add"),
        {
            "brand": brand_a.pk,
            "title": "From admin",
            "slug": "from-admin",
            "summary": "",
            "body_markdown": "Hi <script>x()</script>",
            "language": "",
            "position": 5,
            "status": "published",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.body_html == "<p>Hi </p>"
    assert article.created_by == operator

    response = client.post(
        admin_url("change", article.pk),
        {
            "title": "From admin",
            "slug": "from-admin",
            "summary": "",
            "body_markdown": "*Bye*",
            "language": "es",
            "position": 5,
            "status": "draft",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert (article.status, article.language) == (Article.Status.DRAFT, "es")
    assert article.body_html == "<p><em>Bye</em></p>"
    assert list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True)) == [
        "help_article.created",
        "help_article.updated",
        "help_article.unpublished",
    ]


def test_admin_refuses_a_duplicate_address_on_the_same_brand(
    client_for, operator, brand_a, staff_a, write_article
):
    write_article(brand_a, staff_a, title="Taken", slug="taken")
    response = client_for(operator).post(
        admin_url("add"),
        {
            "brand": brand_a.pk,
            "title": "Again",
            "slug": "taken",
            "body_markdown": "x",
            "language": "",
            "position": 1,
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert "already uses this address" in response.content.decode()
    assert Article.objects.count() == 1


def test_admin_list_renders(client_for, operator, brand_a, staff_a, write_article):
    write_article(brand_a, staff_a, title="Listed")
    response = client_for(operator).get(admin_url("changelist"))
    assert response.status_code == 200
    assert "Listed" in response.content.decode()
