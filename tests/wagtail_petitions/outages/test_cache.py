"""``FallbackRedisCache`` and the defences' counters against the tests' own ``redis-server``: stopped, or paused
(``CLIENT PAUSE``: it keeps its data but does not answer, so calls time out)."""

import logging
import time

import pytest
import redis
from django.test import override_settings

from wagtail_petitions.defence import counters
from wagtail_petitions.outages import cache as fallback_cache
from wagtail_petitions.outages.cache import FallbackRedisCache

pytestmark = pytest.mark.xdist_group("faults")

OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 0.3, "SOCKET_TIMEOUT": 0.3}


@pytest.fixture
def redis_server(fresh_redis, settings):
    settings.WAGTAIL_PETITIONS_CACHE_RETRY_SECONDS = 0
    fallback_cache._outages.clear()
    yield fresh_redis
    fallback_cache._outages.clear()
    if fresh_redis.process is None:
        fresh_redis.start()


def backend_on(server):
    return FallbackRedisCache(server.url(), {"KEY_PREFIX": "unit", "OPTIONS": OPTIONS})


def pause(server, milliseconds):
    redis.Redis.from_url(server.url()).client_pause(milliseconds, all=True)


def test_stopped_redis_falls_back_and_says_so_once(redis_server, caplog):
    backend = backend_on(redis_server)
    backend.set("page-generation", 1, None)
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="wagtail_petitions.outages.cache"):
        assert backend.get("page-generation") is None  # this process never held it
        backend.set("counter-for-someone", 5, 30)
        assert backend.incr("counter-for-someone") == 6
        assert backend.add("counter-for-someone", 1) is False
        backend.set_many({"a": 1, "b": 2})
        assert backend.get_many(["a", "b"]) == {"a": 1, "b": 2}
        backend.delete("a")
        assert backend.has_key("b") and not backend.has_key("a")
        for _ in range(20):
            backend.get("page-generation")
    fallback_lines = [r.getMessage() for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert len(fallback_lines) == 1, fallback_lines
    assert "counter-for-someone" not in caplog.text


def test_a_silent_redis_times_out_into_the_fallback_and_stale_keys_are_dropped_when_it_is_back(redis_server, caplog):
    backend = backend_on(redis_server)
    backend.set("page-generation", 1, None)
    pause(redis_server, 1500)
    with caplog.at_level(logging.WARNING, logger="wagtail_petitions.outages.cache"):
        backend.set("page-generation", 2, None)  # a publish during the outage, seen by this process only
        assert backend.get("page-generation") == 2
        time.sleep(1.7)  # the pause is over: Redis still holds generation 1
        assert backend.get("page-generation") is None  # deleted there: never the older value
    assert "Redis answers again" in caplog.text
    assert redis.Redis.from_url(redis_server.url()).get(backend.make_key("page-generation")) is None
    backend.set("page-generation", 3, None)
    assert backend.get("page-generation") == 3


def test_healthz_ping_asks_redis_itself(redis_server):
    backend = backend_on(redis_server)
    backend.ping()
    redis_server.stop()
    with pytest.raises(redis.exceptions.ConnectionError):
        backend.ping()
    backend.set("x", 1)  # the fallback still works
    assert backend.get("x") == 1


def fallback_caches(server):
    return {
        "default": {
            "BACKEND": "wagtail_petitions.outages.cache.FallbackRedisCache",
            "LOCATION": server.url(),
            "KEY_PREFIX": "unit-counters",
            "OPTIONS": OPTIONS,
        }
    }


def test_counters_count_in_the_process_while_redis_is_down(redis_server):
    window = counters.Window("unit", 60)
    with override_settings(CACHES=fallback_caches(redis_server)):
        assert counters.increment([window], now=1000.0) == [1]
        redis_server.stop()
        assert counters.increment([window], now=1000.0) == [1]  # this process's own count
        assert counters.increment([window], now=1000.0) == [2]
        redis_server.start()
        time.sleep(0.1)
        assert counters.increment([window], now=1000.0) == [1]  # Redis again (it restarted empty)


def test_counters_refuse_when_shared_throttling_is_required(redis_server, settings):
    settings.WAGTAIL_PETITIONS_REQUIRE_SHARED_THROTTLING = True
    settings.WAGTAIL_PETITIONS_OUTAGE_RETRY_AFTER = 7
    window = counters.Window("unit", 60)
    with override_settings(CACHES=fallback_caches(redis_server)):
        assert counters.increment([window]) == [1]
        redis_server.stop()
        for _ in range(2):  # the first call finds Redis down, the next knows it
            with pytest.raises(counters.CountersUnavailable) as raised:
                counters.increment([window])
            assert raised.value.retry_after == 7
