"""The language of API responses: ``?lang=`` or ``LANGUAGE_CODE``, never the browser's ``Accept-Language``.

The embed's signing request carries the widget's language as ``?lang=``, so a French signer reads French errors.
``LocaleMiddleware`` replaces Django's in ``MIDDLEWARE``: pages keep Django's behaviour (language from the URL
prefix, then ``Accept-Language``), API paths get the language the widget asked for.
"""

import re

from django.conf import settings
from django.middleware import locale
from django.utils import translation

from .paths import is_api_path

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*")
# One entry of an Accept-Language header (RFC 9110, section 12.5.4): a language range and an optional weight.
_ACCEPT_LANGUAGE_ENTRY = re.compile(
    r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*"
)


def supported_language(value: str | None) -> str | None:
    """The configured language closest to ``value`` (``fr-CA`` → ``fr``), or ``None``."""
    value = (value or "").strip()
    if len(value) > 16 or not LANGUAGE_TAG.fullmatch(value):
        return None
    try:
        return translation.get_supported_language_variant(value.replace("_", "-").lower())
    except LookupError:
        return None


def accepted_languages(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first (equal weights keep their order).
    Malformed entries and ``*`` are skipped; at most 32 entries are read."""
    entries = []
    for index, part in enumerate((header or "").split(",")[:32]):
        match = _ACCEPT_LANGUAGE_ENTRY.fullmatch(part)
        if match is None or match.group(1) == "*":
            continue
        weight = float(match.group(2)) if match.group(2) else 1.0
        if weight > 0:
            entries.append((-weight, index, match.group(1)))
    return [tag for _weight, _index, tag in sorted(entries)]


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's ``LocaleMiddleware``, except on API paths: there the language is ``?lang=`` when it names a
    configured language, else ``LANGUAGE_CODE``.

    API answers never depend on ``Accept-Language``, so they carry no ``Vary: Accept-Language``: a CDN keeps one
    copy of a petition's count, not one per browser language. It also spares every API request (signing
    included) the parsing of that header and the URL-prefix lookup. Override ``get_api_language`` to choose
    differently.
    """

    def process_request(self, request):
        if not is_api_path(request):
            return super().process_request(request)
        language = self.get_api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        if not is_api_path(request):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    def get_api_language(self, request) -> str:
        return supported_language(request.GET.get("lang")) or settings.LANGUAGE_CODE
