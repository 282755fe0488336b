"""Settings of the embed, read live (prefixed ``WAGTAIL_PETITIONS_EMBED_``), like ``wagtail_petitions.conf``."""

from django.conf import settings


class Settings:
    @property
    def COUNT_REFRESH_SECONDS(self) -> int:
        """How often a visible widget asks for the live count (a small request browsers and CDNs may cache)."""
        return getattr(settings, "WAGTAIL_PETITIONS_EMBED_COUNT_REFRESH_SECONDS", 30)

    @property
    def WIDGET_MAX_AGE(self) -> int:
        """``max-age`` of the widget document; the count in it is refreshed by the widget itself."""
        return getattr(settings, "WAGTAIL_PETITIONS_EMBED_WIDGET_MAX_AGE", 30)


conf = Settings()
