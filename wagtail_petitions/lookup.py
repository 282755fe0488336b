"""Finding a petition (of any petition page type) from the slug and language that URLs, the API and embed codes
carry.

The lookup runs on every API request, so its result is kept in process memory for ``LOOKUP_CACHE_SECONDS``,
tagged with the page generation (``wagtail_petitions.page_generation``): closing or unpublishing a petition takes
effect at once on every app process, and a warm lookup costs no round trip.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.models import Locale

from .conf import conf
from .converters import is_petition_slug
from .models import petition_pages
from .page_generation import current_generation

_lookups: dict[tuple[str, str], tuple[int, float, object]] = {}
_lock = threading.Lock()


def forget_lookups(**kwargs) -> None:
    with _lock:
        _lookups.clear()


def find_petition(slug: str, language: str | None = None, *, live: bool = True):
    """The live petition page for ``slug`` in ``language`` (any petition page type, as its specific class), or
    ``None``.

    Any translation's slug finds the petition; the page returned is the translation in ``language`` when one is
    live, else the one in the default language, else the oldest live translation. Live pages come from a
    short-lived, publish-invalidated cache: treat the page returned as read-only. ``live=False`` also finds
    drafts, uncached.
    """
    if not is_petition_slug(slug):
        return None
    if not live:
        return _find_petition(slug, language, live=False)
    key = (slug, (language or "").lower())
    generation = current_generation()
    hit = _lookups.get(key)
    if hit is not None and hit[0] == generation and hit[1] > time.monotonic():
        return hit[2]
    petition = _find_petition(slug, language, live=True)
    with _lock:
        if len(_lookups) > 1000:  # unknown slugs must not grow it without bound
            _lookups.clear()
        _lookups[key] = (generation, time.monotonic() + conf.LOOKUP_CACHE_SECONDS, petition)
    return petition


def _find_petition(slug, language, live):
    pages = petition_pages().live() if live else petition_pages()
    match = pages.filter(slug=slug).values_list("translation_key", "content_type_id").first()
    if match is None:
        return None
    translation_key, content_type_id = match
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    translations = model.objects.filter(translation_key=translation_key)
    translations = list((translations.live() if live else translations).select_related("locale").order_by("pk"))
    if not translations:
        return None
    return choose_translation(translations, language)


def choose_translation(translations, language: str | None = None):
    """Of one petition's ``translations`` (oldest first, with their locales), the one in ``language`` (``fr-CA``
    finds ``fr``), else the one in the default language, else the oldest. The rule of every lookup and listing."""
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


def translations_of(petition) -> dict:
    """Live translations of ``petition`` (itself included), by language code."""
    pages = petition.get_translations(inclusive=True).live().select_related("locale")
    return {page.locale.language_code: page for page in pages}


def live_petitions(language: str | None = None) -> list[tuple[object, list]]:
    """Every live petition once, newest first: ``(page, translations)`` with ``page`` the translation in
    ``language`` by ``choose_translation``'s rule (only petitions with a live translation in ``language``, when
    given) and ``translations`` all its live translations, oldest first. Three queries, whatever the number of
    petitions and languages."""
    locales = Locale.objects.in_bulk()
    groups: dict = {}
    for page in petition_pages().live().order_by("pk").specific():
        page.locale = locales[page.locale_id]  # one query for every locale instead of one per page
        groups.setdefault(page.translation_key, []).append(page)
    if language:
        language = language.lower()
        wanted = {language, language.split("-")[0]}
        groups = {key: pages for key, pages in groups.items() if wanted & {p.locale.language_code for p in pages}}
    petitions = [(choose_translation(pages, language), pages) for pages in groups.values()]
    return sorted(petitions, key=lambda item: min(p.first_published_at for p in item[1]), reverse=True)


def signed_link_target(page_id, signature_pk):
    """The petition page and its signature that a signed link (confirmation, unsubscribe) names: ``(petition,
    signature)``, the signature ``None`` when it is gone (expired, erased) or the key is not one of its model's.
    Raises ``Http404`` when the petition no longer exists."""
    page = petition_pages().filter(pk=page_id).first()
    if page is None:
        raise Http404("This petition no longer exists.")
    petition = page.specific
    try:
        signature = petition.get_signatures().filter(pk=signature_pk).first()
    except (ValueError, ValidationError):
        signature = None
    return petition, signature
