"""The default cache on Redis, falling back to this process's memory while Redis cannot be reached.

Redis holds what app processes share: cached responses and counts, the page generation, the defences' window
counters. None of it is a record: losing it costs a database read or a looser throttle. So when Redis does not
answer (stopped, unreachable, timed out), ``FallbackRedisCache`` serves every cache call from a ``LocMemCache`` of
the process instead of failing the request, says so once in the log (no key, no value: nothing personal), and asks
Redis again after ``CACHE_RETRY_SECONDS`` (the calls in between never wait on a socket). When Redis answers again
the keys this process wrote meanwhile are deleted there (so nothing older than what the process saw is served,
e.g. a page generation bumped during the outage), the process's copy is dropped, and that is said once too.

The defences' counters use Redis directly (one pipeline) and ask ``shared_cache_reachable`` first; with
``REQUIRE_SHARED_THROTTLING`` they refuse to count in process memory (``wagtail_petitions.defence.counters``).

Set it as the ``BACKEND`` of the default cache in place of ``django_redis.cache.RedisCache`` (same ``OPTIONS``),
with short ``SOCKET_CONNECT_TIMEOUT`` and ``SOCKET_TIMEOUT`` so that a silent Redis is noticed quickly.
"""

from __future__ import annotations

import fnmatch
import logging
import socket
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ..conf import conf

logger = logging.getLogger(__name__)

#: What a Redis that cannot be reached raises (through django-redis, which re-raises redis-py's errors).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout, ConnectionError)
#: Keys written during an outage that are remembered, to be deleted from Redis when it answers again.
MAX_REMEMBERED_KEYS = 10_000


class _Outage:
    """The state of one Redis location in this process (cache backends are per thread; this is shared)."""

    def __init__(self, location: str, params: dict):
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0
        self.written: set[str] = set()
        self.overflowed = False
        local_params = {key: params[key] for key in ("KEY_PREFIX", "VERSION", "KEY_FUNCTION") if key in params}
        self.local = LocMemCache(f"wagtail_petitions-fallback:{location}", {**local_params, "TIMEOUT": None})

    def skipping(self) -> bool:
        """Down, and not yet time to ask Redis again."""
        return self.down and time.monotonic() < self.retry_at

    def went_down(self, error: BaseException) -> None:
        with self.lock:
            first = not self.down
            self.down = True
            self.retry_at = time.monotonic() + conf.CACHE_RETRY_SECONDS
        if first:
            logger.warning(
                "Redis cannot be reached (%s): this process caches and counts in its own memory until it answers "
                "again.",
                error.__class__.__name__,
            )

    def remember(self, keys) -> None:
        with self.lock:
            if len(self.written) + len(keys) > MAX_REMEMBERED_KEYS:
                self.overflowed = True
            else:
                self.written.update(keys)

    def written_meanwhile(self) -> list[str]:
        with self.lock:
            return list(self.written)

    def came_back(self) -> tuple[int, bool] | None:
        """Back to Redis: forget the process's copy. ``(keys written meanwhile, whether some were not remembered)``,
        or ``None`` if another thread did it first."""
        with self.lock:
            if not self.down:
                return None
            self.down = False
            recovered = len(self.written), self.overflowed
            self.written, self.overflowed = set(), False
        self.local.clear()
        return recovered


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str, params: dict) -> _Outage:
    with _outages_lock:
        outage = _outages.get(location)
        if outage is None:
            outage = _outages[location] = _Outage(location, params)
        return outage


#: Cache calls served from process memory during an outage, and whether they write (their first argument is a key,
#: or, for the ``*_many`` calls, a mapping or list of keys).
_READS = ("get", "get_many", "has_key")
_WRITES = ("set", "add", "delete", "incr", "decr", "touch", "set_many", "delete_many")
#: Arguments Django's cache API has; django-redis adds ``client``, ``nx``, ``xx`` which process memory ignores.
_LOCAL_KWARGS = {"timeout", "version", "default", "delta"}


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.outage = _outage_for(str(server), params)

    @property
    def local_cache(self) -> LocMemCache:
        """This process's stand-in, used while Redis is down."""
        return self.outage.local

    def reachable(self) -> bool:
        """False while an outage is known and it is not yet time to ask Redis again."""
        return not self.outage.skipping()

    def report_unreachable(self, error: BaseException) -> None:
        """Called by code that talks to Redis directly (the defences' pipeline) when it failed."""
        self.outage.went_down(error)

    def recover(self) -> None:
        """After an outage, before Redis is used again: delete there what this process wrote meanwhile (Redis may
        hold older values of those keys), then use Redis again. Raises (and stays on the fallback) if Redis still
        cannot be reached. Nothing to do when there was no outage."""
        if not self.outage.down:
            return
        written = self.outage.written_meanwhile()
        try:
            if written:
                RedisCache.delete_many(self, written)
            else:
                self.client.get_client(write=True).ping()
        except UNREACHABLE as error:
            self.outage.went_down(error)
            raise
        recovered = self.outage.came_back()
        if recovered is not None:
            count, overflowed = recovered
            logger.warning(
                "Redis answers again: this process uses it again (%d keys written meanwhile deleted there%s).",
                count,
                "; more were written than remembered, some may be stale until they expire" if overflowed else "",
            )

    def ping(self) -> None:
        """Ask Redis itself (never the fallback): raises if it cannot be reached. ``/healthz`` uses it."""
        try:
            self.client.get_client(write=False).ping()
        except UNREACHABLE as error:
            self.report_unreachable(error)
            raise
        self.recover()

    def _call(self, name, *args, **kwargs):
        if not self.outage.skipping():
            try:
                self.recover()
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except UNREACHABLE as error:
                self.outage.went_down(error)
        return self._local_call(name, args, kwargs)

    def _local_call(self, name, args, kwargs):
        if name in _WRITES and args:
            first = args[0]
            self.outage.remember(list(first) if name.endswith("_many") else [first])
        local_kwargs = {key: value for key, value in kwargs.items() if key in _LOCAL_KWARGS}
        if name == "set" and kwargs.get("nx"):
            name = "add"
        return getattr(self.outage.local, name)(*args, **local_kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def decr(self, *args, **kwargs):
        return self._call("decr", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def delete_pattern(self, pattern, *args, **kwargs):
        local = self.outage.local
        with local._lock:
            doomed = [key for key in local._cache if fnmatch.fnmatchcase(key, local.make_key(pattern))]
            for key in doomed:
                local._delete(key)
        if self.outage.skipping():
            return len(doomed)
        try:
            self.recover()
            return RedisCache.delete_pattern(self, pattern, *args, **kwargs)
        except UNREACHABLE as error:
            self.outage.went_down(error)
            return len(doomed)

    def clear(self):
        self.outage.local.clear()
        if self.outage.skipping():
            return True
        try:
            self.recover()
            return RedisCache.clear(self)
        except UNREACHABLE as error:
            self.outage.went_down(error)
            return True


def is_shared_cache(backend) -> bool:
    """Whether every app process sees the same entries in ``backend`` (Redis, through django-redis)."""
    return isinstance(backend, RedisCache)


def shared_cache_reachable(backend) -> bool:
    """Whether to talk to ``backend``'s Redis now (false during a known outage of a ``FallbackRedisCache``)."""
    return not isinstance(backend, FallbackRedisCache) or backend.reachable()
