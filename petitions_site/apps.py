from django.apps import AppConfig


class PetitionsSiteConfig(AppConfig):
    """The demo and deployment site around the plugin: settings, URLs, the anonymous response cache, the site-only
    middleware, the demo content and the demo partner page."""

    name = "petitions_site"
    label = "petitions_site"
    verbose_name = "Petitions site"

    def ready(self):
        from wagtail_petitions.signals import page_generation_bumped

        from .response_cache import forget_local

        page_generation_bumped.connect(forget_local, dispatch_uid="petitions_site.response_cache.forget_local")
