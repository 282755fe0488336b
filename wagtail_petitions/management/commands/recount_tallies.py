"""Rebuild every petition's tally from the signature rows (and other tally sources) and report any drift."""

from django.core.management.base import BaseCommand, CommandError

from wagtail_petitions import recount


class Command(BaseCommand):
    help = "Compare each tally with the signature rows; with --fix, rewrite the tallies that drifted."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite drifted tallies from the rows.")
        parser.add_argument("--petition-key", help="Only this petition (its translation key).")

    def handle(self, *args, fix, petition_key, **options):
        keys = [petition_key] if petition_key else recount.petition_keys()
        drifted = 0
        for key in sorted(keys, key=str):
            drifts = recount.recount(key, fix=fix)
            for d in drifts:
                self.stdout.write(
                    f"drift {d.petition_key} {d.channel} country={d.country or '--'} partner={d.partner_id}: "
                    f"tally {d.counted}, rows {d.expected}"
                )
            drifted += bool(drifts)
        summary = f"{len(keys)} tallies checked, {drifted} drifted" + (" and fixed" if fix and drifted else "")
        self.stdout.write(summary)
        if drifted and not fix:
            raise CommandError(summary)
