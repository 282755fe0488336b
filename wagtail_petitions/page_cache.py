"""Serve what a refreshing crowd asks for — petition pages and live counts — from the cache, not the database.

``PublicResponseCacheMiddleware`` keeps, for anonymous ``GET``/``HEAD`` requests (no session cookie, no
``Authorization``):

- Wagtail pages (the ``wagtail_serve`` route, no query string), for ``WAGTAIL_PETITIONS_PAGE_CACHE_SECONDS``,
  under the *page generation* that every publish, unpublish, move, save or delete bumps (see ``connect``): an
  edit shows at once on every app process. The page carries the count as it was when cached; the small
  ``count.js`` script fills in the live number from the count endpoint.
- Count responses (``/api/.../count/``), for ``WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS``.

Entries live in the default cache (Redis when ``REDIS_URL`` is set, so every process shares them) and, for
``WAGTAIL_PETITIONS_RESPONSE_LOCAL_CACHE_SECONDS``, in process memory, so a hot entry costs no network round trip.
``If-None-Match``/``If-Modified-Since`` get a 304. Place the middleware right after ``CorsMiddleware``: a hit
skips every middleware below it, and nothing below may set a cookie on an anonymous response anyway.
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from .conf import conf
from .lookup import bump_page_generation, current_generation, local_cache_seconds

CACHE_KEY = "wagtail_petitions:response:{}"
PAGE_ROUTE = "wagtail_serve"
COUNT_VIEW = "widget_api:petition-count"
# Paths that are never Wagtail pages: looking them up would only cost a cache miss.
NOT_PAGES = ("/api/", "/admin/", "/embed/", "/documents/", "/static/", "/media/", "/petitions/", "/healthz")
# Everything the inner layers set is replayed, except what is per response.
NOT_STORED_HEADERS = {"set-cookie", "date", "content-length", "x-cache"}


def page_cache_seconds() -> int:
    return getattr(settings, "WAGTAIL_PETITIONS_PAGE_CACHE_SECONDS", 60)


def page_max_age() -> int:
    """``max-age`` sent with cached pages, for browsers and CDNs (which only learn of a publish when it expires)."""
    return getattr(settings, "WAGTAIL_PETITIONS_PAGE_MAX_AGE", 30)


def count_cache_seconds() -> int:
    return conf.COUNT_CACHE_SECONDS


_local: dict[str, tuple[float, tuple]] = {}
_local_lock = threading.Lock()


def forget_local() -> None:
    with _local_lock:
        _local.clear()


def invalidate_pages(**kwargs) -> None:
    """Bump the page generation now and again after the transaction commits.

    Now, so this process stops serving the old page; after commit, so a request that cached the old rows while the
    transaction was still open is forgotten too.
    """
    bump_page_generation()
    forget_local()
    transaction.on_commit(lambda: (bump_page_generation(), forget_local()))


def _on_saved_or_deleted(sender, **kwargs):
    invalidate_pages()


def connect() -> None:
    """Connect the invalidation to Wagtail's and Django's signals. Called from the app's ``ready()``."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal, uid in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
    ):
        signal.connect(invalidate_pages, dispatch_uid=f"wagtail_petitions.page_cache.{uid}")
    from wagtail.models import Page, Site

    from .models import PetitionIndexPage, PetitionPage

    # Saves without a publish (scripts, shell) of the pages this plugin shows; deletes of any page (Django sends
    # post_delete for the Page row of every specific page). Per sender, so that saving other models costs nothing.
    for model in (PetitionPage, PetitionIndexPage, Site):
        post_save.connect(_on_saved_or_deleted, sender=model, dispatch_uid=f"wagtail_petitions.page_cache.{model}")
    for model in (Page, Site):
        post_delete.connect(_on_saved_or_deleted, sender=model, dispatch_uid=f"wagtail_petitions.page_cache.d{model}")


class PublicResponseCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = self.request_kind(request)
        if kind is None:
            return self.get_response(request)
        key = self.cache_key(request, kind)
        entry = self.get_entry(key)
        if entry is not None:
            return self.respond(request, entry, hit=True)
        response = self.get_response(request)
        entry = self.entry_for(request, response, kind)
        if entry is None:
            return response
        self.set_entry(key, entry, page_cache_seconds() if kind == "page" else count_cache_seconds())
        return self.respond(request, entry, hit=False) if kind == "page" else response

    # --- what is cacheable -------------------------------------------------------------------------------------

    def request_kind(self, request) -> str | None:
        if request.method not in ("GET", "HEAD"):
            return None
        meta = request.META
        # The cookie header is parsed only if there is one (most crowd requests carry none).
        if "HTTP_AUTHORIZATION" in meta or ("HTTP_COOKIE" in meta and settings.SESSION_COOKIE_NAME in request.COOKIES):
            return None
        path = request.path_info
        if path.startswith("/api/"):
            return "count" if path.endswith("/count/") and count_cache_seconds() > 0 else None
        if request.META.get("QUERY_STRING") or path.startswith(NOT_PAGES) or page_cache_seconds() <= 0:
            return None
        return "page"

    def cache_key(self, request, kind) -> str:
        # The Host headers as sent, not ``get_host()``, which validates them against ALLOWED_HOSTS on every read:
        # an entry is only ever stored from a response the inner layers produced, so to a valid host.
        meta = request.META
        where = f"{meta.get('HTTP_X_FORWARDED_HOST', '')}|{meta.get('HTTP_HOST', '')}{request.get_full_path()}"
        if kind == "page":
            return CACHE_KEY.format(f"page:{current_generation()}:{where}")
        return CACHE_KEY.format(f"count:{where}")

    def entry_for(self, request, response, kind):
        match = getattr(request, "resolver_match", None)
        expected = PAGE_ROUTE if kind == "page" else COUNT_VIEW
        if match is None or match.view_name != expected or response.status_code != 200:
            return None
        if response.streaming or response.cookies or "private" in response.get("Cache-Control", ""):
            return None
        if getattr(request, "is_preview", False):
            return None
        headers = {name: value for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS}
        if kind == "page":
            headers.setdefault("ETag", f'"{hashlib.blake2b(response.content, digest_size=12).hexdigest()}"')
            cache_control = f"public, max-age={page_max_age()}, stale-while-revalidate=60, stale-if-error=86400"
            headers.setdefault("Cache-Control", cache_control)
        return (response.status_code, response.content, tuple(headers.items()))

    # --- storage -------------------------------------------------------------------------------------------------

    def get_entry(self, key):
        local_seconds = local_cache_seconds()
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
        local_seconds = min(local_cache_seconds(), seconds)
        if local_seconds > 0:
            self.set_local(key, entry, local_seconds)

    def set_local(self, key, entry, seconds) -> None:
        with _local_lock:
            if len(_local) > 2000:
                _local.clear()
            _local[key] = (time.monotonic() + seconds, entry)

    def respond(self, request, entry, hit: bool):
        status, content, headers = entry
        response = HttpResponse(content, status=status)
        # The stored headers were checked when the first response was built: set them without checking each one
        # again (that was most of the cost of a cached read in this middleware).
        response.headers._store.update({name.lower(): (name, value) for name, value in headers})
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
