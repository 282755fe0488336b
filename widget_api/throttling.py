"""Rate limits for signing: a fixed window per client, counted with one atomic increment per request."""

import hashlib

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class FixedWindowRateThrottle(SimpleRateThrottle):
    """``num_requests`` per window of ``duration`` seconds.

    DRF's own throttles keep a list of every request time in the window, read and rewritten whole on each request:
    its cost grows with the rate allowed, and two processes writing it at once lose requests. A counter per window
    costs one Redis ``INCR`` and is exact across processes.
    """

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        return self.increment(f"{self.key}:{window}", self.duration + 1) <= self.num_requests

    def increment(self, key: str, ttl: int) -> int:
        # DRF's default is Django's ``cache`` proxy; the backend behind it tells whether Redis is there.
        if self.cache is SimpleRateThrottle.cache and isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache):
            backend = caches[DEFAULT_CACHE_ALIAS]
            # One round trip (two on a window's first request) on django-redis's client, instead of the cache
            # API's add-then-incr.
            client = get_redis_connection(DEFAULT_CACHE_ALIAS)
            redis_key = backend.make_key(key)
            count = client.incr(redis_key)
            if count == 1:
                client.expire(redis_key, ttl)
            return count
        if self.cache.add(key, 1, ttl):
            return 1
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.add(key, 1, ttl)
            return 1

    def wait(self):
        return max(getattr(self, "wait_seconds", 0), 0)


class PrivateScopedRateThrottle(ScopedRateThrottle, FixedWindowRateThrottle):
    """Per-client rate limits that never put a raw IP address in the cache: the key is a keyed hash of it."""

    def get_ident(self, request):
        ident = super().get_ident(request)
        return hashlib.blake2b(ident.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16).hexdigest()
