"""Resume the sends of updates to signers whose worker died (no progress for ``UPDATE_STALL_SECONDS``): run it every
few minutes (cron, a systemd timer). Nobody is mailed twice: recipients already handed over are not sent again."""

from django.core.management.base import BaseCommand

from wagtail_petitions.updates.sending import resume_stalled


class Command(BaseCommand):
    help = "Queue a new sending task for every update to signers whose send stalled (its worker was killed)."

    def handle(self, *args, **options):
        resumed = resume_stalled()
        self.stdout.write(f"{len(resumed)} stalled update sends resumed" + (f": {resumed}" if resumed else ""))
