from django.apps import AppConfig
from django.core import checks
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
        from .models import Partner, PetitionIndexPage, get_petition_page_models, sync_petition_translations
        from .models.partners import forget_active_partners
        from .page_generation import pages_changed
        from .signals import page_generation_bumped

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

        # Publishing one translation copies the petition-wide fields (status, goal, ...) to the others.
        page_published.connect(sync_petition_translations, dispatch_uid="wagtail_petitions.sync_translations")

        for signal in (post_save, post_delete):
            signal.connect(forget_active_partners, sender=Partner, dispatch_uid=f"wagtail_petitions.partners.{signal}")

        # What recount_tallies rebuilds a tally from.
        recount.register_tally_source(recount.counted_signatures)
        recount.register_tally_source(paper.paper_batches)

        # URLs that carry a petition's slug accept what Wagtail accepts (Unicode slugs).
        register_converter(PetitionSlugConverter, "petition_slug")

        checks.register(petition_checks.check_settings, checks.Tags.compatibility)
        checks.register(petition_checks.check_signature_forms, checks.Tags.models)
