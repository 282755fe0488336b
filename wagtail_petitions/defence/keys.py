"""Keyed hashes for the defences: BLAKE2b keyed with a key derived from ``SECRET_KEY`` for each purpose.

A keyed BLAKE2b is a MAC: without the key, nothing links a hash back to what was hashed (an address, a domain) or
forges one (a form token). The derived key is computed once per process and purpose, so a hash costs about a
microsecond on the signing path (``salted_hmac`` derives its key again on every call).
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings


@functools.lru_cache(maxsize=32)
def _key(secret: str, purpose: bytes) -> bytes:
    return hashlib.blake2b(secret.encode(), digest_size=64, person=purpose).digest()


def keyed_hash(purpose: bytes, value: str, size: int = 16) -> str:
    """The hex keyed hash of ``value`` for ``purpose`` (at most 16 bytes, e.g. ``b"wp:connection"``)."""
    return hashlib.blake2b(value.encode(), key=_key(settings.SECRET_KEY, purpose), digest_size=size).hexdigest()
