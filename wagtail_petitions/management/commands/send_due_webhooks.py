"""Announce petitions closed by date and send the webhook deliveries that are due (run every few minutes)."""

from django.core.management.base import BaseCommand

from wagtail_petitions.webhooks.tasks import send_due_webhooks


class Command(BaseCommand):
    help = "Send due webhook deliveries (retries whose backoff has ended) and announce petitions closed by date."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many deliveries in one run.")

    def handle(self, *args, **options):
        attempted = send_due_webhooks.call(limit=options["limit"])
        self.stdout.write(f"{attempted} webhook deliveries attempted")
