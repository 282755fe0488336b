from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class WagtailPetitionsAppConfig(AppConfig):
    name = "wagtail_petitions"
    label = "wagtail_petitions"
    verbose_name = _("Petitions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import checks as petition_checks
        from . import lookup, paper, recount
        from .converters import PetitionSlugConverter
        from .mail.tasks import register_mail
        from .models import (
            Partner,
            PetitionIndexPage,
            WebhookEndpoint,
            get_petition_page_models,
            sync_petition_translations,
        )
        from .models.partners import forget_active_partners
        from .models.webhooks import forget_webhook_subscribers
        from .outages.database import database_connected
        from .page_generation import pages_changed
        from .signals import page_generation_bumped, petition_signed, signatures_counted
        from .updates.messages import TEST_MAIL, build_test_mails
        from .webhooks import notices, receivers

        # What is cached from pages (petition lookups, the site's cached responses) goes stale when a page
        # changes: publishes, unpublishes and moves of any page, saves without a publish (scripts, shell) of the
        # pages this plugin shows, deletes of any page.
        for signal, uid in (
            (page_published, "published"),
            (page_unpublished, "unpublished"),
            (post_page_move, "moved"),
        ):
            signal.connect(pages_changed, dispatch_uid=f"wagtail_petitions.pages_changed.{uid}")
        for model in (*get_petition_page_models(), PetitionIndexPage, Site):
            post_save.connect(pages_changed, sender=model, dispatch_uid=f"wagtail_petitions.pages_changed.{model}")
        for model in (Page, Site):
            post_delete.connect(pages_changed, sender=model, dispatch_uid=f"wagtail_petitions.pages_deleted.{model}")
        page_generation_bumped.connect(lookup.forget_lookups, dispatch_uid="wagtail_petitions.lookup.forget")

        # The first connection made after the database could not be connected to closes the outage breaker.
        connection_created.connect(database_connected, dispatch_uid="wagtail_petitions.outages.database")

        # Publishing one translation copies the petition-wide fields (status, goal, ...) to the others.
        page_published.connect(sync_petition_translations, dispatch_uid="wagtail_petitions.sync_translations")

        for signal in (post_save, post_delete):
            signal.connect(forget_active_partners, sender=Partner, dispatch_uid=f"wagtail_petitions.partners.{signal}")

        # Webhooks: the cached map of subscribed partners, and the receivers that queue events after a commit.
        for signal in (post_save, post_delete):
            for model in (WebhookEndpoint, Partner):
                uid = f"wagtail_petitions.webhooks.{model.__name__}.{signal}"
                signal.connect(forget_webhook_subscribers, sender=model, dispatch_uid=uid)
        petition_signed.connect(receivers.petition_signed, dispatch_uid="wagtail_petitions.webhooks.signed")
        signatures_counted.connect(receivers.signatures_counted, dispatch_uid="wagtail_petitions.webhooks.counted")
        page_published.connect(receivers.petition_published, dispatch_uid="wagtail_petitions.webhooks.published")
        register_mail("webhook_disabled", notices.endpoint_disabled)

        # What recount_tallies rebuilds a tally from.
        recount.register_tally_source(recount.counted_signatures)
        recount.register_tally_source(paper.paper_batches)
        recount.register_history_source(recount.counted_signature_hours)
        recount.register_history_source(paper.paper_history)

        # The editor's test send of an update to signers.
        register_mail(TEST_MAIL, build_test_mails)

        # URLs that carry a petition's slug accept what Wagtail accepts (Unicode slugs).
        register_converter(PetitionSlugConverter, "petition_slug")

        checks.register(petition_checks.check_settings, checks.Tags.compatibility)
        checks.register(petition_checks.check_signature_forms, checks.Tags.models)
