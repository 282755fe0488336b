"""Print the embed codes of a petition for a partner: loader tag, placeholder, pinned loader (SRI), plain iframe."""

from django.core.management.base import BaseCommand, CommandError

from embed.snippets import snippets
from wagtail_petitions.lookup import find_petition


class Command(BaseCommand):
    help = "Print the codes a partner pastes to embed a petition."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--partner", default="")
        parser.add_argument("--lang", default="")
        parser.add_argument("--site-url", default="http://127.0.0.1:8000")

    def handle(self, *args, slug, partner, lang, site_url, **options):
        petition = find_petition(slug, lang or None)
        if petition is None:
            raise CommandError(f"No live petition has the slug {slug!r}.")
        for name, code in snippets(site_url, petition.slug, petition.title, lang, partner).items():
            self.stdout.write(f"--- {name}\n{code}\n")
