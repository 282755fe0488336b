"""Finding a petition from the slug and language that URLs, the API and embed codes carry.

The lookup runs on every API request, so its result is kept in process memory for ``LOOKUP_CACHE_SECONDS``,
tagged with the *page generation*: a number in the shared cache that every publish, unpublish, move or delete of
a page bumps (see ``wagtail_petitions.page_cache``). A process sees a bump at its next lookup, so closing or
unpublishing a petition takes effect at once on every app process, and a warm lookup costs one cache read.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Locale

from .models import PetitionPage

GENERATION_CACHE_KEY = "wagtail_petitions:pages:generation"
LOOKUP_CACHE_SECONDS = 30

_lookups: dict[tuple[str, str], tuple[int, float, PetitionPage | None]] = {}
_lock = threading.Lock()


def page_generation() -> int:
    """The current page generation (shared by every process through the cache)."""
    generation = cache.get(GENERATION_CACHE_KEY)
    if generation is None:
        # A new cache (or an evicted key): start from a value no process can have cached under.
        generation = time.time_ns()
        if not cache.add(GENERATION_CACHE_KEY, generation, None):
            generation = cache.get(GENERATION_CACHE_KEY, generation)
    return generation


_local_generation: list = [0.0, None]  # [valid until (monotonic), generation]


def local_cache_seconds() -> float:
    """How long a process may trust what it read from the shared cache (``RESPONSE_LOCAL_CACHE_SECONDS``)."""
    return getattr(settings, "WAGTAIL_PETITIONS_RESPONSE_LOCAL_CACHE_SECONDS", 1)


def current_generation() -> int:
    """The page generation, re-read from the shared cache at most every ``local_cache_seconds()``.

    So a warm lookup or cached page costs no network round trip; another process's publish is seen here within
    that delay (one second by default), this process's own at once.
    """
    local_seconds = local_cache_seconds()
    if local_seconds <= 0:
        return page_generation()
    valid_until, generation = _local_generation
    now = time.monotonic()
    if generation is None or valid_until <= now:
        generation = page_generation()
        _local_generation[:] = [now + local_seconds, generation]
    return generation


def bump_page_generation() -> None:
    """Forget every cached lookup and page, in every process. Called when pages are published or removed."""
    try:
        cache.incr(GENERATION_CACHE_KEY)
    except ValueError:
        cache.set(GENERATION_CACHE_KEY, time.time_ns(), None)
    with _lock:
        _lookups.clear()
        _local_generation[:] = [0.0, None]


def find_petition(slug: str, language: str | None = None, *, queryset=None):
    """The live petition page for ``slug`` in ``language``, or ``None``.

    Any translation's slug finds the petition; the page returned is the translation in ``language`` when one is
    live, else the one in the default language, else the oldest live translation. Without ``queryset`` the answer
    comes from a short-lived, publish-invalidated cache; treat the page returned as read-only.
    """
    if queryset is not None:
        return _find_petition(slug, language, queryset)
    key = (slug, (language or "").lower())
    generation = current_generation()
    hit = _lookups.get(key)
    if hit is not None and hit[0] == generation and hit[1] > time.monotonic():
        return hit[2]
    petition = _find_petition(slug, language, PetitionPage.objects.live())
    with _lock:
        if len(_lookups) > 1000:  # unknown slugs must not grow it without bound
            _lookups.clear()
        _lookups[key] = (generation, time.monotonic() + LOOKUP_CACHE_SECONDS, petition)
    return petition


def _find_petition(slug, language, queryset):
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
