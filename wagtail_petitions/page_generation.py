"""The *page generation*: a number in the shared cache that every publish, unpublish, move, save or delete of a page
bumps (``AppConfig.ready()`` connects ``pages_changed`` to those signals).

What is cached from pages (petition lookups here, whole responses in the site's response cache) is tagged with the
generation it was made under, so a bump makes all of it stale on every app process at once, without a list of
keys to delete.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

from .conf import conf
from .signals import page_generation_bumped

CACHE_KEY = "wagtail_petitions:pages:generation"

_local: list = [0.0, None]  # [valid until (monotonic), generation]


def page_generation() -> int:
    """The current page generation, read from the shared cache."""
    generation = cache.get(CACHE_KEY)
    if generation is None:
        # A new cache (or an evicted key): start from a value no process can have cached under.
        generation = time.time_ns()
        if not cache.add(CACHE_KEY, generation, None):
            generation = cache.get(CACHE_KEY, generation)
    return generation


def current_generation() -> int:
    """The page generation, re-read from the shared cache at most every ``RESPONSE_LOCAL_CACHE_SECONDS``.

    So a warm lookup or cached page costs no network round trip; another process's publish is seen here within
    that delay (one second by default), this process's own at once.
    """
    local_seconds = conf.RESPONSE_LOCAL_CACHE_SECONDS
    if local_seconds <= 0:
        return page_generation()
    valid_until, generation = _local
    now = time.monotonic()
    if generation is None or valid_until <= now:
        generation = page_generation()
        _local[:] = [now + local_seconds, generation]
    return generation


def bump_page_generation() -> None:
    """Make everything cached from pages stale, in every process."""
    try:
        cache.incr(CACHE_KEY)
    except ValueError:
        cache.set(CACHE_KEY, time.time_ns(), None)
    _local[:] = [0.0, None]
    page_generation_bumped.send(sender=None)


def pages_changed(**kwargs) -> None:
    """Signal receiver: bump the generation now and again after the transaction commits.

    Now, so this process stops serving the old page; after commit, so what was cached from the old rows while the
    transaction was still open is forgotten too.
    """
    bump_page_generation()
    transaction.on_commit(bump_page_generation)
