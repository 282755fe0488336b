"""Send every due confirmation mail now (what the worker's ``send_due_confirmations`` task does)."""

from django.core.management.base import BaseCommand

from wagtail_petitions.confirmation.outbox import send_all_due


class Command(BaseCommand):
    help = "Send the due confirmation mails (normally the background worker does it)."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_all_due()} confirmation mails sent")
