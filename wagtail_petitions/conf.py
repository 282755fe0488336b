"""Settings of the petitions plugin, read live (prefixed ``WAGTAIL_PETITIONS_``), as django-cors-headers does.

Reading through properties means ``override_settings`` in tests and changes at run time are seen at once.
"""

from django.conf import settings


class Settings:
    @property
    def TALLY_SHARDS(self) -> int:
        """How many counter rows each (petition, country, partner, channel) bucket is spread over.

        Signing adds 1 to one shard picked at random, so concurrent signers rarely wait on the same row.
        """
        return getattr(settings, "WAGTAIL_PETITIONS_TALLY_SHARDS", 8)

    @property
    def COUNT_CACHE_SECONDS(self) -> int:
        """How long a tally snapshot is served from the cache before it is read again from the database."""
        return getattr(settings, "WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS", 2)

    @property
    def COUNT_MAX_AGE(self) -> int:
        """``max-age`` of the public count response (browsers and CDNs)."""
        return getattr(settings, "WAGTAIL_PETITIONS_COUNT_MAX_AGE", 5)

    @property
    def COUNT_STALE_WHILE_REVALIDATE(self) -> int:
        return getattr(settings, "WAGTAIL_PETITIONS_COUNT_STALE_WHILE_REVALIDATE", 30)

    @property
    def COUNT_STALE_IF_ERROR(self) -> int:
        return getattr(settings, "WAGTAIL_PETITIONS_COUNT_STALE_IF_ERROR", 86400)

    @property
    def NAME_MAX_LENGTH(self) -> int:
        return getattr(settings, "WAGTAIL_PETITIONS_NAME_MAX_LENGTH", 100)

    @property
    def SIGNATURE_MAX_BODY_BYTES(self) -> int:
        """Largest signing request body accepted; larger ones get 413 before they are parsed."""
        return getattr(settings, "WAGTAIL_PETITIONS_SIGNATURE_MAX_BODY_BYTES", 4096)


conf = Settings()
