"""Issue an API token to a partner from the command line; the token is printed once and only its digest is kept."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wagtail_petitions.models import Partner, PartnerScope, PartnerToken


class Command(BaseCommand):
    help = "Create an API token for a partner (printed once: store it now). Scopes: " + ", ".join(PartnerScope.values)

    def add_arguments(self, parser):
        parser.add_argument("partner_slug", help="The partner's slug.")
        parser.add_argument(
            "--scope",
            action="append",
            choices=PartnerScope.values,
            required=True,
            help="A scope to grant; repeat for several.",
        )
        parser.add_argument("--name", default="", help="What the token is for (default: 'command line').")
        parser.add_argument("--expires-in-days", type=int, help="Expire after this many days (default: never).")

    def handle(self, *args, partner_slug, scope, name, expires_in_days, **options):
        partner = Partner.objects.filter(slug=partner_slug).first()
        if partner is None:
            raise CommandError(f"No partner has the slug {partner_slug!r}.")
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        token, raw = PartnerToken.objects.issue(
            partner, name=name or "command line", scopes=scope, expires_at=expires_at
        )
        self.stderr.write(
            f"Token for {partner.name} ({', '.join(token.scopes)}"
            + (f", expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "")
            + "). It is shown once: store it now."
        )
        self.stdout.write(raw)
