import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# "" means the article is shown whatever language the reader uses.
LANGUAGE_CHOICES = [("", _("Every language")), *settings.LANGUAGES]


class Article(models.Model):
    """A Help Center page of one brand, written by its staff in Markdown.

    ``body_html`` is the sanitised rendering of ``body_markdown``, produced by the actions in
    ``hale.helpcenter.actions`` on every save so that reads never render or trust raw input.
    Patients see only published articles whose language is blank or their own language.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand",
        on_delete=models.CASCADE,
        related_name="help_articles",
        verbose_name=_("brand"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=120,
        help_text=_("The last part of the article's web address, e.g. booking-your-first-session."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown in lists and search results."),
    )
    body_markdown = models.TextField(_("body (Markdown)"))
    body_html = models.TextField(_("body (rendered)"), blank=True, editable=False)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_(
            "Readers using this language see the article; “Every language” shows it to all."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    position = models.PositiveSmallIntegerField(
        _("order"),
        default=100,
        help_text=_("Lower numbers come first in the Help Center and on the home page."),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "slug"], name="helpcenter_article_unique_slug_per_brand"
            ),
        ]
        indexes = [
            # The patient list, featured articles and search all filter on these, in order.
            models.Index(
                fields=["brand", "status", "language", "position"],
                name="helpcenter_article_list",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
