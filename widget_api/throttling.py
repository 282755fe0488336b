import hashlib

import redis
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class FixedWindowRateThrottle(SimpleRateThrottle):
    """``num_requests`` per window of ``duration`` seconds, counted with one atomic increment per request.

    DRF's own throttles keep a list of every request time in the window, read and rewritten whole on each request:
    its cost grows with the rate allowed, and two processes writing it at once lose requests. A counter per window
    costs one cache round trip on Redis and is exact across processes.
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
        backend = caches[DEFAULT_CACHE_ALIAS] if self.cache is SimpleRateThrottle.cache else self.cache
        if isinstance(backend, RedisCache):
            return self.increment_in_redis(backend, key, ttl)
        if self.cache.add(key, 1, ttl):
            return 1
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.add(key, 1, ttl)
            return 1

    @staticmethod
    def increment_in_redis(backend, key: str, ttl: int) -> int:
        """INCR (and EXPIRE on a new window) on a connection of the cache's own pool.

        Sent on the pooled connection directly: redis-py's client wraps every command in retry, instrumentation
        and argument checks that cost more CPU than the round trip (measured on the signing path: about a sixth
        of a signing request). A broken connection is dropped and the command sent once more on a new one.
        """
        redis_key = backend.make_key(key)
        pool = backend._cache.get_client(key, write=True).connection_pool
        for attempt in (1, 2):
            connection = pool.get_connection()
            try:
                connection.send_command("INCR", redis_key)
                count = connection.read_response()
                if count == 1:
                    connection.send_command("EXPIRE", redis_key, ttl)
                    connection.read_response()
                return count
            except (redis.ConnectionError, redis.TimeoutError):
                connection.disconnect()
                if attempt == 2:
                    raise
            finally:
                pool.release(connection)

    def wait(self):
        return max(getattr(self, "wait_seconds", 0), 0)


class PrivateScopedRateThrottle(ScopedRateThrottle, FixedWindowRateThrottle):
    """Per-client rate limits that never put a raw IP address in the cache: the key is a keyed hash of it."""

    def get_ident(self, request):
        ident = super().get_ident(request)
        return hashlib.blake2b(ident.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16).hexdigest()
