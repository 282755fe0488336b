import hashlib
import os
import threading

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
        """INCR (and EXPIRE on a new window) on this thread's own connection to the cache's Redis.

        Sent directly: redis-py's client wraps every command in retry, instrumentation and argument checks, and its
        pool checks each connection it hands out with one more system call, together costing more CPU than the
        round trip itself (measured on the signing path). A broken connection is dropped and the command sent
        once more on a new one.
        """
        redis_key = backend.make_key(key)
        for attempt in (1, 2):
            connection = _thread_connection(backend)
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

    def wait(self):
        return max(getattr(self, "wait_seconds", 0), 0)


_local = threading.local()


def _thread_connection(backend) -> redis.Connection:
    """This thread's connection to ``backend``'s Redis, made with its pool's settings and kept between requests.

    It is never shared: a thread sends one command at a time and reads its reply in full (or drops the
    connection), so unlike a pooled connection it needs no check for stray data before each use.
    """
    kept = getattr(_local, "redis", None)
    if kept is not None and kept[0] is backend and kept[2] == os.getpid():
        return kept[1]
    pool = backend._cache.get_client(write=True).connection_pool
    connection = pool.connection_class(**pool.connection_kwargs)
    _local.redis = (backend, connection, os.getpid())
    return connection


class PrivateScopedRateThrottle(ScopedRateThrottle, FixedWindowRateThrottle):
    """Per-client rate limits that never put a raw IP address in the cache: the key is a keyed hash of it."""

    def get_ident(self, request):
        ident = super().get_ident(request)
        return hashlib.blake2b(ident.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16).hexdigest()
