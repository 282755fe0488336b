"""CORS for the API: a browser on a partner's site may call it only if the origin is on an active partner.

django-cors-headers asks ``check_request_enabled`` whether to allow a request's origin. It can ask twice per
request and on every path, so the handler checks the path first and reads the origins from the cached active
partners (``Partner.objects.active()``, forgotten when a partner changes).
"""

import corsheaders.middleware
from django.utils.cache import patch_vary_headers

from wagtail_petitions.models import Partner

from .paths import api_view_name, is_api_path

# The widget's own requests from a sandboxed iframe (WordPress embeds its oEmbed iframes with
# sandbox="allow-scripts") come from an opaque origin: the browser sends ``Origin: null``. Only the count, signing
# and proof-of-work challenge endpoints accept it. That opens nothing: they use no cookie, session or credential
# (CORS never allows credentials here), and anyone can already call them without a browser; what CORS guards,
# ambient authority, does not exist on them. Partner origins stay the rule for every other origin and path.
SANDBOXED_ORIGIN_VIEWS = frozenset({"petition-count", "signature-create", "petition-challenge"})
# Open data, readable from any origin: the views answer ``Access-Control-Allow-Origin: *`` themselves
# (``views.open_to_any_origin``), so this rule leaves their responses alone (a partner's origin would otherwise be
# echoed). Their preflights (a client that sends ``If-None-Match`` itself) are answered by django-cors-headers for
# any origin.
OPEN_DATA_VIEWS = frozenset({"petition-stats", "petition-history", "petition-badge"})
# What their paths end with: only such paths are resolved (signing requests, the hot path, are not).
OPEN_DATA_SUFFIXES = ("/stats/", "/history/", "/badge.svg")


# The origins derived from the last partners mapping seen, recomputed only when that mapping is replaced.
_derived: list = [None, frozenset()]


def partner_origins() -> frozenset[str]:
    partners = Partner.objects.active()
    source, origins = _derived
    if source is not partners:
        origins = frozenset(origin for partner in partners.values() for origin in partner.get_allowed_origins())
        _derived[:] = [partners, origins]
    return origins


def allow_partner_origins(sender, request, **kwargs) -> bool:
    if not is_api_path(request):
        return False
    origin = (request.headers.get("origin") or "").lower()
    if origin and request.path_info.endswith(OPEN_DATA_SUFFIXES) and api_view_name(request) in OPEN_DATA_VIEWS:
        return request.method == "OPTIONS"
    if origin == "null":
        return api_view_name(request) in SANDBOXED_ORIGIN_VIEWS
    return bool(origin) and origin in partner_origins()


class CorsMiddleware(corsheaders.middleware.CorsMiddleware):
    """django-cors-headers' middleware, with a shortcut for requests that carry no ``Origin`` (the crowd reading
    counts and pages, newsrooms' servers, same-origin requests): what it does for them is only ``Vary: origin`` on
    the API's paths, done here without building ``request.headers`` (a tenth of a cached read's time, ``make
    bench``). Requests with an ``Origin`` go through django-cors-headers' own code. A differential test
    (``tests/widget_api/test_cors.py``) pins both to django-cors-headers' answer."""

    def add_response_headers(self, request, response):
        if request.META.get("HTTP_ORIGIN"):
            return super().add_response_headers(request, response)
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:
            enabled = self.is_enabled(request)
        if enabled:
            patch_vary_headers(response, ("origin",))
        return response
