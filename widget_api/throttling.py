import hashlib

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle


class PrivateScopedRateThrottle(ScopedRateThrottle):
    """Per-client rate limits that never put a raw IP address in the cache: the key is a keyed hash of it."""

    def get_ident(self, request):
        ident = super().get_ident(request)
        return hashlib.blake2b(ident.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16).hexdigest()
