"""The URL path converter for petition slugs: what Wagtail accepts as a page slug, Unicode included.

Wagtail makes slugs such as ``protégeons-le-marsouin`` or ``أوقفوا-التجسس`` from titles
(``WAGTAIL_ALLOW_UNICODE_SLUGS``, on by default); Django's ``slug`` converter is ASCII-only, so every URL that
carries a petition's slug uses this one (registered as ``petition_slug`` in ``AppConfig.ready()``). ``reverse()``
percent-encodes it as UTF-8 and Django decodes it again before matching.
"""


class PetitionSlugConverter:
    # Django's ``validate_unicode_slug`` pattern (``^[-\w]+\Z``), which Wagtail's page slug field validates with.
    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
