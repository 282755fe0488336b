"""Delete signatures left unconfirmed for ``WAGTAIL_PETITIONS_UNCONFIRMED_SIGNATURE_DAYS`` (run daily)."""

from django.core.management.base import BaseCommand

from wagtail_petitions.conf import conf
from wagtail_petitions.confirmation.expiry import expire_unconfirmed_signatures


class Command(BaseCommand):
    help = "Delete unconfirmed signatures (pending, held, quarantined) older than the confirmation time."

    def handle(self, *args, **options):
        deleted = expire_unconfirmed_signatures()
        self.stdout.write(f"{deleted} signatures left unconfirmed for {conf.UNCONFIRMED_SIGNATURE_DAYS} days deleted")
