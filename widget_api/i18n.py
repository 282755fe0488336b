"""``?lang=`` on API requests picks the language of the response, validation messages included.

The embed's signing request carries the widget's language this way, so a French signer reads French errors.
A middleware rather than a view mixin keeps the API views untouched; it runs after ``LocaleMiddleware`` and
only overrides its choice when ``lang`` names a configured language.
"""

import re

from django.utils import translation

from .cors import API_PATH_PREFIX

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*")


def supported_language(value: str | None) -> str | None:
    """The configured language closest to ``value`` (``fr-CA`` → ``fr``), or ``None``."""
    value = (value or "").strip()
    if len(value) > 16 or not LANGUAGE_TAG.fullmatch(value):
        return None
    try:
        return translation.get_supported_language_variant(value.replace("_", "-").lower())
    except LookupError:
        return None


class QueryLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.path_info.startswith(API_PATH_PREFIX) and supported_language(request.GET.get("lang"))
        if not language:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
