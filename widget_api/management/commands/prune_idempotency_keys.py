"""Delete stored ``Idempotency-Key`` answers older than ``WAGTAIL_PETITIONS_IDEMPOTENCY_KEY_TTL`` (default a day)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from widget_api.idempotency import key_ttl, prune_idempotency_keys


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than WAGTAIL_PETITIONS_IDEMPOTENCY_KEY_TTL seconds."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, help="Age in seconds (default: the setting).")

    def handle(self, *args, older_than, **options):
        age = timedelta(seconds=older_than) if older_than is not None else key_ttl()
        deleted = prune_idempotency_keys(age)
        self.stdout.write(f"{deleted} idempotency keys older than {age} deleted")
