"""``/healthz`` for load balancers and monitoring: which dependency is down, and whether this process can serve.

- database down: 503 ``unavailable`` (signing cannot work);
- Redis down while the cache falls back to process memory (``wagtail_petitions.outages.cache``): 200
  ``degraded`` (everything works, throttles are per process), or 503 when ``REQUIRE_SHARED_THROTTLING`` makes
  signing refuse then;
- each check says ``ok`` or ``error: <class of the error>``. No cookie.
"""

import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wagtail_petitions.conf import conf
from wagtail_petitions.outages.cache import FallbackRedisCache


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, FallbackRedisCache):
        cache.ping()  # Redis itself, not the process's stand-in
        return
    key, value = "healthz:probe", secrets.token_hex(8)
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was just stored")


def _cache_can_fall_back() -> bool:
    return isinstance(caches[DEFAULT_CACHE_ALIAS], FallbackRedisCache)


@never_cache
@require_safe
def healthz(request):
    checks = {}
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            check()
            checks[name] = "ok"
        except Exception as error:  # any failure is reported, by the class of the error only
            checks[name] = f"error: {error.__class__.__name__}"
    if all(value == "ok" for value in checks.values()):
        status = "ok"
    elif checks["database"] == "ok" and _cache_can_fall_back() and not conf.REQUIRE_SHARED_THROTTLING:
        status = "degraded"
    else:
        status = "unavailable"
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "unavailable" else 200)
