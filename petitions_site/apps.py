from django.apps import AppConfig


class PetitionsSiteConfig(AppConfig):
    """The demo and deployment site around the plugin: settings, URLs, the anonymous response cache, the site-only
    middleware, the demo content and the demo partner page."""

    name = "petitions_site"
    label = "petitions_site"
    verbose_name = "Petitions site"

    def ready(self):
        from django.apps import apps
        from wagtail.signals import page_slug_changed, post_page_move

        from wagtail_petitions.signals import page_generation_bumped

        from .response_cache import forget_local

        page_generation_bumped.connect(forget_local, dispatch_uid="petitions_site.response_cache.forget_local")

        if apps.is_installed("wagtail.contrib.redirects"):
            from .redirects import forget_redirects_to_themselves

            # Wagtail's automatic redirects can end up leading from a page's URL to itself (see ``redirects``).
            for signal, uid in ((page_slug_changed, "slug_changed"), (post_page_move, "moved")):
                signal.connect(forget_redirects_to_themselves, dispatch_uid=f"petitions_site.redirects.{uid}")
