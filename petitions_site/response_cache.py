"""Serve what a refreshing crowd asks for — petition pages and live counts — from the cache, not the database.

``PublicResponseCacheMiddleware`` keeps, for anonymous ``GET``/``HEAD`` requests (no session cookie, no
``Authorization``):

- Wagtail pages (the ``wagtail_serve`` route, no query string), for ``WAGTAIL_PETITIONS_PAGE_CACHE_SECONDS``,
  under the page generation (``wagtail_petitions.page_generation``) that every publish, unpublish, move, save or
  delete bumps: an edit shows at once on every app process. The page carries the count as it was when cached; the
  small ``count.js`` script fills in the live number from the count endpoint.
- Count responses (the API's ``petition-count`` route), for ``WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS``.
- Open data (the API's ``petition-stats``, ``petition-history`` and ``petition-badge`` routes, query string
  included), for ``WAGTAIL_PETITIONS_FIGURES_CACHE_SECONDS``.

Entries live in the default cache (Redis when ``REDIS_URL`` is set, so every process shares them) and, for
``WAGTAIL_PETITIONS_RESPONSE_LOCAL_CACHE_SECONDS``, in process memory, so a hot entry costs no network round trip.
``If-None-Match``/``If-Modified-Since`` get a 304. Place the middleware right after ``CorsMiddleware``: a hit
skips every middleware below it, and nothing below may set a cookie on an anonymous response anyway.

Stale-if-error: each stored entry is also kept as a stale copy (a day for pages, ``COUNT_STALE_IF_ERROR`` for
counts). When the inner layers answer 5xx (the database is down: ``wagtail_petitions.outages`` answers 503), the
stale copy is served instead, marked ``X-Cache: stale``.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from wagtail_petitions.conf import conf
from wagtail_petitions.page_generation import current_generation

CACHE_KEY = "wagtail_petitions:response:{}"
STALE_KEY = "wagtail_petitions:response-stale:{}"
#: How long a page's stale copy is kept (the ``stale-if-error`` its ``Cache-Control`` announces).
PAGE_STALE_SECONDS = 86400
PAGE_ROUTE = "wagtail_serve"
COUNT_ROUTE = "widget_api:petition-count"
OPEN_DATA_ROUTES = frozenset({"widget_api:petition-stats", "widget_api:petition-history", "widget_api:petition-badge"})
# Everything the inner layers set is replayed, except what is per response.
NOT_STORED_HEADERS = {"set-cookie", "date", "content-length", "x-cache"}

_local: dict[str, tuple[float, tuple]] = {}
_local_lock = threading.Lock()


def forget_local(**kwargs) -> None:
    """Drop this process's copies (``page_generation_bumped`` receiver, connected in ``AppConfig.ready()``)."""
    with _local_lock:
        _local.clear()


@functools.lru_cache(maxsize=4096)
def route_of(path: str) -> str | None:
    """The URL name (``namespace:name``) ``path`` resolves to. Cached per path: it is asked on every read.

    Resolved in the default language: the language prefixes of ``i18n_patterns`` match the active language, which
    is whatever this thread's last request left.
    """
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return resolve(path).view_name
    except Resolver404:
        return None


class PublicResponseCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = self.request_kind(request)
        if kind is None:
            return self.get_response(request)
        try:
            key = self.cache_key(request, kind)
        except DisallowedHost:
            return self.get_response(request)
        entry = self.get_entry(key)
        if entry is not None:
            return self.respond(request, entry, hit=True)
        response = self.get_response(request)
        if response.status_code >= 500:
            return self.stale_response(request, key) or response
        entry = self.entry_for(request, response, kind)
        if entry is None:
            return response
        seconds = {"page": conf.PAGE_CACHE_SECONDS, "count": conf.COUNT_CACHE_SECONDS}.get(kind)
        self.set_entry(key, entry, conf.FIGURES_CACHE_SECONDS if seconds is None else seconds)
        cache.set(self.stale_key(key), entry, PAGE_STALE_SECONDS if kind == "page" else conf.COUNT_STALE_IF_ERROR)
        return self.respond(request, entry, hit=False) if kind == "page" else response

    # --- what is cacheable -------------------------------------------------------------------------------------

    def request_kind(self, request) -> str | None:
        if request.method not in ("GET", "HEAD"):
            return None
        meta = request.META
        # The cookie header is parsed only if there is one (most crowd requests carry none).
        if "HTTP_AUTHORIZATION" in meta or ("HTTP_COOKIE" in meta and settings.SESSION_COOKIE_NAME in request.COOKIES):
            return None
        route = route_of(request.path_info)
        if route == COUNT_ROUTE:
            return "count" if conf.COUNT_CACHE_SECONDS > 0 else None
        if route in OPEN_DATA_ROUTES:
            return "open_data" if conf.FIGURES_CACHE_SECONDS > 0 else None
        if route == PAGE_ROUTE and not meta.get("QUERY_STRING") and conf.PAGE_CACHE_SECONDS > 0:
            return "page"
        return None

    def cache_key(self, request, kind) -> str:
        # The validated host (``get_host()``: ``X-Forwarded-Host`` only with ``USE_X_FORWARDED_HOST``, checked
        # against ALLOWED_HOSTS) and the scheme: a page rendered for https is never served for http, nor one
        # rendered for a forged forwarded host. A host that does not validate is not cached (Django answers 400).
        where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        if kind == "page":
            return CACHE_KEY.format(f"page:{current_generation()}:{where}")
        return CACHE_KEY.format(f"{kind}:{where}")

    def entry_for(self, request, response, kind):
        match = getattr(request, "resolver_match", None)
        expected = {"page": {PAGE_ROUTE}, "count": {COUNT_ROUTE}}.get(kind, OPEN_DATA_ROUTES)
        if match is None or match.view_name not in expected or response.status_code != 200:
            return None
        if response.streaming or response.cookies or "private" in response.get("Cache-Control", ""):
            return None
        if getattr(request, "is_preview", False):
            return None
        headers = {name: value for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS}
        if kind == "page":
            headers.setdefault("ETag", f'"{hashlib.blake2b(response.content, digest_size=12).hexdigest()}"')
            cache_control = f"public, max-age={conf.PAGE_MAX_AGE}, stale-while-revalidate=60, stale-if-error=86400"
            headers.setdefault("Cache-Control", cache_control)
        return (response.status_code, response.content, tuple(headers.items()))

    # --- stale-if-error ------------------------------------------------------------------------------------------

    def stale_key(self, key: str) -> str:
        return STALE_KEY.format(key.removeprefix(CACHE_KEY.format("")))

    def stale_response(self, request, key):
        """The last good answer to this request, if one is kept, in place of an error."""
        entry = cache.get(self.stale_key(key))
        if entry is None:
            return None
        response = self.respond(request, entry, hit=True)
        response["X-Cache"] = "stale"
        return response

    # --- storage -------------------------------------------------------------------------------------------------

    def get_entry(self, key):
        local_seconds = conf.RESPONSE_LOCAL_CACHE_SECONDS
        if local_seconds > 0:
            hit = _local.get(key)
            if hit is not None and hit[0] > time.monotonic():
                return hit[1]
        entry = cache.get(key)
        if entry is not None and local_seconds > 0:
            self.set_local(key, entry, local_seconds)
        return entry

    def set_entry(self, key, entry, seconds) -> None:
        cache.set(key, entry, seconds)
        local_seconds = min(conf.RESPONSE_LOCAL_CACHE_SECONDS, seconds)
        if local_seconds > 0:
            self.set_local(key, entry, local_seconds)

    def set_local(self, key, entry, seconds) -> None:
        with _local_lock:
            if len(_local) > 2000:
                _local.clear()
            _local[key] = (time.monotonic() + seconds, entry)

    def respond(self, request, entry, hit: bool):
        status, content, headers = entry
        response = HttpResponse(content, status=status, headers=dict(headers))
        # CommonMiddleware, below, would have set it: without it the server sends the body chunked, which costs a
        # cached read a fifth of its speed (``make bench``).
        response.headers["Content-Length"] = str(len(content))
        response.headers["X-Cache"] = "hit" if hit else "miss"
        meta = request.META
        if "HTTP_IF_NONE_MATCH" not in meta and "HTTP_IF_MODIFIED_SINCE" not in meta:
            return response  # the common case, kept cheap: this runs for every cached read
        conditional = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response["Last-Modified"]) if "Last-Modified" in response else None,
            response=response,
        )
        if conditional is not None:
            if "Cache-Control" not in conditional:
                patch_cache_control(conditional, public=True)
            return conditional
        return response
