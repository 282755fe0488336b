"""The URL path converter for petition slugs: what Wagtail accepts as a page slug, Unicode included.

Wagtail makes slugs such as ``protégeons-le-marsouin`` or ``أوقفوا-التجسس`` from titles
(``WAGTAIL_ALLOW_UNICODE_SLUGS``, on by default); Django's ``slug`` converter is ASCII-only, so every URL that
carries a petition's slug uses this one (registered as ``petition_slug`` in ``AppConfig.ready()``). ``reverse()``
percent-encodes it as UTF-8 and Django decodes it again before matching.
"""

import re


class PetitionSlugConverter:
    # Django's ``validate_unicode_slug`` pattern (``^[-\w]+\Z``), which Wagtail's page slug field validates with.
    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


_SLUG = re.compile(rf"{PetitionSlugConverter.regex}\Z")


def is_petition_slug(value: str) -> bool:
    """Whether ``value`` could be a petition's slug (what the converter matches): lookups by a slug from a query
    parameter skip the database for anything else (a NUL, which PostgreSQL refuses in a query, included)."""
    return _SLUG.match(value) is not None
