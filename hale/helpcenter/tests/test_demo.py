from hale.helpcenter.demo import seed_demo_articles
from hale.helpcenter.models import Article
from hale.tenancy.models import Brand


def test_seed_creates_published_articles_tailored_to_each_brand(brand_a, brand_b, staff_a, staff_b):
    calm = seed_demo_articles(brand_a, staff_a)
    northside = seed_demo_articles(brand_b, staff_b)
    for articles in (calm, northside):
        english = [a for a in articles if a.language == "en"]
        spanish = [a for a in articles if a.language == "es"]
        assert 4 <= len(english) <= 5
        assert len(spanish) == 1
        assert all(a.status == Article.Status.PUBLISHED and a.body_html for a in articles)
    calm_text = " ".join(a.body_markdown for a in calm)
    northside_text = " ".join(a.body_markdown for a in northside)
    assert "smart-matching" in calm_text and "Calm Minds" in calm_text
    assert "invitation" in northside_text and "receipt" in northside_text
    assert "Northside Clinic" in northside_text
    assert {a.brand for a in calm} == {brand_a}


def test_seed_is_idempotent_and_keeps_staff_edits(brand_a, staff_a):
    first = seed_demo_articles(brand_a, staff_a)
    Article.objects.filter(slug="privacy-and-your-data").update(
        status=Article.Status.DRAFT, title="Edited"
    )
    second = seed_demo_articles(brand_a, staff_a)
    assert [a.pk for a in first] == [a.pk for a in second]
    assert Article.objects.filter(brand=brand_a).count() == len(first)
    edited = Article.objects.get(slug="privacy-and-your-data")
    assert (edited.title, edited.status) == ("Edited", Article.Status.DRAFT)


def test_seed_works_for_any_other_brand(operator):
    brand = Brand.objects.create(slug="sunrise", name="Sunrise Health")
    articles = seed_demo_articles(brand, operator)
    assert {a.language for a in articles} == {"en", "es"}
    booking = next(a for a in articles if a.slug == "how-to-book-your-first-session")
    assert "Sunrise Health" in booking.body_markdown
