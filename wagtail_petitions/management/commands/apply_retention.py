"""Anonymise the signatures of petitions past their retention (run daily from cron)."""

from django.core.management.base import BaseCommand

from wagtail_petitions.retention import apply_retention


class Command(BaseCommand):
    help = "Remove signers' personal data from petitions closed or delivered longer ago than their retention."

    def handle(self, *args, **options):
        run = apply_retention()
        self.stdout.write(
            f"{run.signatures} signatures and {run.paper_batches} paper batches anonymised "
            f"on {len(run.petitions)} petitions past their retention"
        )
