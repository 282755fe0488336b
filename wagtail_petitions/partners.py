"""Active partners by slug, cached: every signature through a partner's widget and every widget view looks one up.

The mapping is kept in the shared cache and, for ``WAGTAIL_PETITIONS_RESPONSE_LOCAL_CACHE_SECONDS``, in process
memory. Saving or deleting a partner forgets both here and in the shared cache, so other processes see a
deactivation within that many seconds.
"""

from __future__ import annotations

import threading
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .lookup import local_cache_seconds

CACHE_KEY = "wagtail_petitions:active_partners"
SHARED_CACHE_SECONDS = 300

_local: tuple[float, dict | None] = (0.0, None)
_lock = threading.Lock()


def active_partners() -> dict:
    """``{slug: Partner}`` of the active partners."""
    global _local
    expires, partners = _local
    now = time.monotonic()
    if partners is not None and now < expires:
        return partners
    partners = cache.get(CACHE_KEY)
    if partners is None:
        from .models import Partner

        partners = {partner.slug: partner for partner in Partner.objects.filter(is_active=True)}
        cache.set(CACHE_KEY, partners, SHARED_CACHE_SECONDS)
    with _lock:
        _local = (now + local_cache_seconds(), partners)
    return partners


def get_active_partner(slug: str | None):
    """The active partner with this slug, or ``None``."""
    return active_partners().get(slug) if slug else None


def forget_active_partners(**kwargs) -> None:
    global _local
    with _lock:
        _local = (0.0, None)
    cache.delete(CACHE_KEY)
    # Again after commit, so a read made while the change was not yet visible is not kept.
    transaction.on_commit(lambda: (cache.delete(CACHE_KEY), _forget_local()))


def _forget_local():
    global _local
    with _lock:
        _local = (0.0, None)


def connect() -> None:
    from .models import Partner

    post_save.connect(forget_active_partners, sender=Partner, dispatch_uid="wagtail_petitions.partners.save")
    post_delete.connect(forget_active_partners, sender=Partner, dispatch_uid="wagtail_petitions.partners.delete")
