"""Render every Help Center article's Markdown again, e.g. after the HTML allow-list changes."""

from django.core.management.base import BaseCommand, CommandError

from hale.helpcenter.actions import rerender_articles
from hale.tenancy.models import Brand


class Command(BaseCommand):
    help = "Render the stored HTML of Help Center articles again from their Markdown."

    def add_arguments(self, parser):
        parser.add_argument("--brand", help="Only this brand (its slug).")

    def handle(self, *args, brand: str | None = None, **options):
        target = None
        if brand:
            target = Brand.objects.filter(slug=brand).first()
            if target is None:
                raise CommandError(f"No brand with the slug {brand!r}.")
        count = rerender_articles(brand=target)
        self.stdout.write(f"Rendered {count} article(s) again.")
