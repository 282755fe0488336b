"""Every setting of the petitions platform (plugin, API and embed), prefixed ``WAGTAIL_PETITIONS_`` and read live,
as django-cors-headers does: ``override_settings`` in tests and changes at run time are seen at once.

``wagtail_petitions.checks`` validates them (``manage.py check``). Nothing else reads these settings directly.
"""

from django.conf import settings

PREFIX = "WAGTAIL_PETITIONS_"

#: Settings this platform no longer reads, with what replaced them; ``checks`` warns when one is still set.
RETIRED = {
    "WAGTAIL_PETITIONS_NAME_MAX_LENGTH": "the name columns of the signature model (wagtail_petitions.text)",
    "WIDGET_API_IDEMPOTENCY_KEY_TTL": "WAGTAIL_PETITIONS_IDEMPOTENCY_KEY_TTL",
}


class Settings:
    def _get(self, name, default):
        return getattr(settings, PREFIX + name, default)

    # --- the tally -----------------------------------------------------------------------------------------------

    @property
    def TALLY_SHARDS(self) -> int:
        """How many counter rows each (petition, country, partner, channel) bucket is spread over.

        Signing adds 1 to one shard picked at random, so concurrent signers rarely wait on the same row.
        """
        return self._get("TALLY_SHARDS", 8)

    @property
    def COUNT_CACHE_SECONDS(self) -> float:
        """How long a tally snapshot (and a count response) is served from the cache before it is read again."""
        return self._get("COUNT_CACHE_SECONDS", 2)

    # --- public responses ------------------------------------------------------------------------------------------

    @property
    def COUNT_MAX_AGE(self) -> int:
        """``max-age`` of the public count response (browsers and CDNs)."""
        return self._get("COUNT_MAX_AGE", 5)

    @property
    def COUNT_STALE_WHILE_REVALIDATE(self) -> int:
        return self._get("COUNT_STALE_WHILE_REVALIDATE", 30)

    @property
    def COUNT_STALE_IF_ERROR(self) -> int:
        return self._get("COUNT_STALE_IF_ERROR", 86400)

    @property
    def PAGE_CACHE_SECONDS(self) -> float:
        """How long anonymous page views are kept by the site's response cache (0 turns it off)."""
        return self._get("PAGE_CACHE_SECONDS", 60)

    @property
    def PAGE_MAX_AGE(self) -> int:
        """``max-age`` sent with cached pages, for browsers and CDNs (which only learn of a publish when it expires)."""
        return self._get("PAGE_MAX_AGE", 30)

    @property
    def RESPONSE_LOCAL_CACHE_SECONDS(self) -> float:
        """How long a process trusts what it read from the shared cache (cached responses, the page generation,
        the active partners) before asking it again: a publish on another process is seen within this delay."""
        return self._get("RESPONSE_LOCAL_CACHE_SECONDS", 1)

    @property
    def LOOKUP_CACHE_SECONDS(self) -> float:
        """How long a process keeps a petition found by slug (forgotten at once when any page is published)."""
        return self._get("LOOKUP_CACHE_SECONDS", 30)

    # --- signing -------------------------------------------------------------------------------------------------

    @property
    def SIGNATURE_MAX_BODY_BYTES(self) -> int:
        """Largest signing request body accepted; larger ones get 413 before they are parsed."""
        return self._get("SIGNATURE_MAX_BODY_BYTES", 4096)

    @property
    def IDEMPOTENCY_KEY_TTL(self) -> int:
        """How long, in seconds, the answer to a signing request sent with an ``Idempotency-Key`` is replayed."""
        return self._get("IDEMPOTENCY_KEY_TTL", 86400)

    # --- the embed -----------------------------------------------------------------------------------------------

    @property
    def EMBED_COUNT_REFRESH_SECONDS(self) -> int:
        """How often a visible widget asks for the live count (a small request browsers and CDNs may cache)."""
        return self._get("EMBED_COUNT_REFRESH_SECONDS", 30)

    @property
    def EMBED_WIDGET_MAX_AGE(self) -> int:
        """``max-age`` of the widget document; the count in it is refreshed by the widget itself."""
        return self._get("EMBED_WIDGET_MAX_AGE", 30)


conf = Settings()
