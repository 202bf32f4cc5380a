import pytest
from django.core.exceptions import ValidationError

from hale.core.models import AuditEvent
from hale.helpcenter import actions
from hale.helpcenter.models import Article


def audit_actions():
    return list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True))


def test_create_renders_sanitised_html_and_writes_an_audit_row(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a,
        brand=brand_a,
        title="Booking",
        body_markdown="## Steps\n\nClick **Book**. <script>alert(1)</script>",
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.slug == "booking"
    assert article.created_by == staff_a
    assert "<h2>Steps</h2>" in article.body_html
    assert "<strong>Book</strong>" in article.body_html
    assert "script" not in article.body_html
    event = AuditEvent.objects.get(action="help_article.created")
    assert (event.actor, event.brand, event.object_id) == (staff_a, brand_a, str(article.pk))


def test_create_and_publish_sets_published_at(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="T", body_markdown="x", publish=True
    )
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None


def test_slug_from_title_gets_a_suffix_when_taken(brand_a, staff_a):
    first = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="Cómo reservar", body_markdown="x"
    )
    second = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="Cómo reservar", body_markdown="y"
    )
    assert (first.slug, second.slug) == ("como-reservar", "como-reservar-2")


def test_same_slug_is_fine_on_another_brand(brand_a, brand_b, staff_a, staff_b):
    a = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="FAQ", body_markdown="x", slug="faq"
    )
    b = actions.create_article(
        acting_user=staff_b, brand=brand_b, title="FAQ", body_markdown="x", slug="faq"
    )
    assert a.slug == b.slug == "faq"


def test_a_taken_slug_is_a_clear_error_and_changes_nothing(brand_a, staff_a):
    actions.create_article(
        acting_user=staff_a, brand=brand_a, title="FAQ", body_markdown="x", slug="faq"
    )
    with pytest.raises(ValidationError) as exc:
        actions.create_article(
            acting_user=staff_a, brand=brand_a, title="Other", body_markdown="y", slug="faq"
        )
    assert "already uses this address" in exc.value.message_dict["slug"][0]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("title", {"title": "   "}),
        ("body_markdown", {"body_markdown": ""}),
        ("language", {"language": "xx"}),
        ("slug", {"slug": "no spaces/allowed"}),
        ("position", {"position": -1}),
    ],
)
def test_bad_input_is_refused_with_a_message_per_field(brand_a, staff_a, field, values):
    kwargs = {"title": "Title", "body_markdown": "Body", **values}
    with pytest.raises(ValidationError) as exc:
        actions.create_article(acting_user=staff_a, brand=brand_a, **kwargs)
    assert field in exc.value.message_dict
    assert not Article.objects.exists()
    assert not AuditEvent.objects.exists()


def test_staff_of_another_brand_cannot_write(brand_a, staff_b, staff_a):
    with pytest.raises(actions.NotBrandStaff):
        actions.create_article(acting_user=staff_b, brand=brand_a, title="T", body_markdown="x")
    article = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="T", body_markdown="x"
    )
    for action in (actions.publish_article, actions.delete_article):
        with pytest.raises(actions.NotBrandStaff):
            action(acting_user=staff_b, article=article)
    with pytest.raises(actions.NotBrandStaff):
        actions.update_article(
            acting_user=staff_b, article=article, title="Hacked", body_markdown="x"
        )
    article.refresh_from_db()
    assert (article.title, article.status) == ("T", Article.Status.DRAFT)
    assert audit_actions() == ["help_article.created"]


def test_patients_cannot_write(brand_a, patient_a):
    with pytest.raises(actions.NotBrandStaff):
        actions.create_article(
            acting_user=patient_a.user, brand=brand_a, title="T", body_markdown="x"
        )
    assert not Article.objects.exists()


def test_operator_may_write_for_any_brand(brand_b, operator):
    article = actions.create_article(
        acting_user=operator, brand=brand_b, title="T", body_markdown="x"
    )
    assert article.brand == brand_b


def test_update_renders_again_and_records_the_changed_fields(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="Old", body_markdown="old text", slug="old"
    )
    before = article.updated_at
    article = actions.update_article(
        acting_user=staff_a, article=article, title="New", body_markdown="*new* text", slug="old"
    )
    article.refresh_from_db()
    assert article.title == "New"
    assert article.slug == "old"
    assert "<em>new</em>" in article.body_html
    assert article.updated_at > before
    event = AuditEvent.objects.get(action="help_article.updated")
    assert sorted(event.data["fields"]) == ["body_markdown", "title"]


def test_update_without_changes_writes_nothing(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="Same", body_markdown="text", slug="same"
    )
    actions.update_article(
        acting_user=staff_a, article=article, title="Same", body_markdown="text", slug="same"
    )
    assert audit_actions() == ["help_article.created"]


def test_update_to_another_articles_slug_is_refused(brand_a, staff_a):
    actions.create_article(
        acting_user=staff_a, brand=brand_a, title="A", body_markdown="x", slug="a"
    )
    b = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="B", body_markdown="x", slug="b"
    )
    with pytest.raises(ValidationError):
        actions.update_article(
            acting_user=staff_a, article=b, title="B", body_markdown="x", slug="a"
        )
    b.refresh_from_db()
    assert b.slug == "b"


def test_publish_and_unpublish_are_audited_once(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="T", body_markdown="x"
    )
    article = actions.publish_article(acting_user=staff_a, article=article)
    first_published = article.published_at
    actions.publish_article(acting_user=staff_a, article=article)
    article = actions.unpublish_article(acting_user=staff_a, article=article)
    assert article.status == Article.Status.DRAFT
    article = actions.publish_article(acting_user=staff_a, article=article)
    assert article.published_at == first_published
    assert audit_actions() == [
        "help_article.created",
        "help_article.published",
        "help_article.unpublished",
        "help_article.published",
    ]


def test_delete_keeps_an_audit_row_with_the_title(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="Gone", body_markdown="x", slug="gone"
    )
    actions.delete_article(acting_user=staff_a, article=article)
    assert not Article.objects.exists()
    event = AuditEvent.objects.get(action="help_article.deleted")
    assert event.data == {"title": "Gone", "slug": "gone"}


def test_rerender_updates_stale_html_only(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a, brand=brand_a, title="T", body_markdown="**x**"
    )
    fresh = actions.create_article(acting_user=staff_a, brand=brand_a, title="U", body_markdown="y")
    Article.objects.filter(pk=article.pk).update(body_html="<script>old</script>")
    assert actions.rerender_articles() == 1
    article.refresh_from_db()
    fresh.refresh_from_db()
    assert article.body_html == "<p><strong>x</strong></p>"
    assert fresh.body_html == "<p>y</p>"


def test_update_keeps_what_it_is_not_given(brand_a, staff_a):
    article = actions.create_article(
        acting_user=staff_a,
        brand=brand_a,
        title="T",
        body_markdown="x",
        summary="Short.",
        language="es",
        position=7,
    )
    article = actions.update_article(acting_user=staff_a, article=article, title="New title")
    article.refresh_from_db()
    assert (article.title, article.summary, article.language, article.position) == (
        "New title",
        "Short.",
        "es",
        7,
    )
    assert article.body_html == "<p>x</p>"
