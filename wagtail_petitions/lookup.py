"""Finding a petition from the slug and language that URLs, the API and embed codes carry."""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Locale

from .models import PetitionPage


def find_petition(slug: str, language: str | None = None, *, queryset=None):
    """The live petition page for ``slug`` in ``language``, or ``None``.

    Any translation's slug finds the petition; the page returned is the translation in ``language`` when one is
    live, else the one in the default language, else the oldest live translation.
    """
    queryset = queryset if queryset is not None else PetitionPage.objects.live()
    keys = queryset.filter(slug=slug).values("translation_key")[:1]
    translations = list(queryset.filter(translation_key__in=keys).select_related("locale").order_by("pk"))
    if not translations:
        return None
    by_language = {page.locale.language_code: page for page in translations}
    if language:
        language = language.lower()
        if language in by_language:
            return by_language[language]
        if language.split("-")[0] in by_language:
            return by_language[language.split("-")[0]]
    try:
        default_language = Locale.get_default().language_code
    except Locale.DoesNotExist:
        default_language = settings.LANGUAGE_CODE
    return by_language.get(default_language) or translations[0]


def translations_of(petition):
    """Live translations of ``petition`` (itself included), by language code."""
    pages = PetitionPage.objects.live().filter(translation_key=petition.translation_key).select_related("locale")
    return {page.locale.language_code: page for page in pages}
