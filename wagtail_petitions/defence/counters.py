"""Fixed-window counters in the default cache: one atomic increment each, several in one Redis round trip.

A counter's key names its window (``<key>:<window number>``), so it never needs resetting; it expires a little after
its window ends. Keys hold hashes, never an address or an email.

While Redis cannot be reached the counters live in each process's memory (``outages.cache``: N processes then let
up to N times a limit through), or, with ``REQUIRE_SHARED_THROTTLING``, ``CountersUnavailable`` is raised (signing
answers 503 with ``Retry-After``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from ..conf import conf
from ..outages.cache import UNREACHABLE, FallbackRedisCache, shared_cache_reachable

PREFIX = "wagtail_petitions:defence:"


@dataclass(frozen=True)
class Window:
    """A counter over fixed windows of ``seconds``."""

    name: str
    seconds: int

    def key(self, now: float) -> tuple[str, int]:
        window = int(now // self.seconds)
        return f"{PREFIX}{self.name}:{window}", self.seconds + 1

    def remaining(self, now: float) -> int:
        """Whole seconds until the current window ends (at least 1): a ``Retry-After``."""
        return max(1, int((now // self.seconds + 1) * self.seconds - now + 0.999))


class CountersUnavailable(Exception):
    """Redis cannot be reached and ``REQUIRE_SHARED_THROTTLING`` forbids counting in process memory."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__("The shared counters cannot be reached.")


def increment(windows: Sequence[Window], now: float | None = None) -> list[int]:
    """Add one to the current window of each counter; returns their new values, in order."""
    now = time.time() if now is None else now
    keys = [window.key(now) for window in windows]
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        if shared_cache_reachable(backend):
            try:
                return _increment_in_redis(backend, keys)
            except UNREACHABLE as error:
                if isinstance(backend, FallbackRedisCache):
                    backend.report_unreachable(error)
        if conf.REQUIRE_SHARED_THROTTLING or not isinstance(backend, FallbackRedisCache):
            raise CountersUnavailable(conf.OUTAGE_RETRY_AFTER)
        return _increment_in(backend.local_cache, keys)
    return _increment_in(cache, keys)


def _increment_in_redis(backend, keys) -> list[int]:
    if isinstance(backend, FallbackRedisCache):
        backend.recover()
    client = get_redis_connection(DEFAULT_CACHE_ALIAS)
    pipe = client.pipeline(transaction=False)
    for key, ttl in keys:
        redis_key = backend.make_key(key)
        pipe.incr(redis_key)
        pipe.expire(redis_key, ttl)
    return pipe.execute()[::2]


def _increment_in(store, keys) -> list[int]:
    counts = []
    for key, ttl in keys:
        if store.add(key, 1, ttl):
            counts.append(1)
            continue
        try:
            counts.append(store.incr(key))
        except ValueError:  # expired between add and incr
            store.add(key, 1, ttl)
            counts.append(1)
    return counts
