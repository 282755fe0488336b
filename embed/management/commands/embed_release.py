"""Keep the current loader as an immutable release and print what partners paste to pin it (with SRI)."""

from django.core.management.base import BaseCommand

from embed.assets import RELEASES_DIR, load, release_path
from embed.snippets import snippets


class Command(BaseCommand):
    help = "Copy embed/assets/loader.js to embed/assets/releases/embed.<digest>.js and print its pinned snippet."

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default="https://petitions.example.org")

    def handle(self, *args, site_url, **options):
        asset = load("loader.js")
        path = release_path(asset.digest)
        if not path.exists():
            RELEASES_DIR.mkdir(parents=True, exist_ok=True)
            path.write_bytes(asset.text.encode("utf-8"))
            self.stdout.write(f"Released {path.name}")
        self.stdout.write(snippets(site_url, "SLUG", "", partner="PARTNER")["pinned"])
