"""CORS for the API: a browser on a partner's site may call it only if the origin is on an active partner.

django-cors-headers asks ``check_request_enabled`` whether to allow a request's origin. It can ask twice per
request and on every path, so the handler checks the path first and reads the origins from the cached active
partners (``wagtail_petitions.partners``, forgotten when a partner changes).
"""

import re

from wagtail_petitions.partners import active_partners

API_PATH_PREFIX = "/api/"
# The widget's own requests from a sandboxed iframe (WordPress embeds its oEmbed iframes with
# sandbox="allow-scripts") come from an opaque origin: the browser sends ``Origin: null``. Only the count and
# signing endpoints accept it. That opens nothing: they use no cookie, session or credential (CORS never allows
# credentials here), and anyone can already call them without a browser; what CORS guards, ambient authority,
# does not exist on them. Partner origins stay the rule for every other origin and path.
SANDBOXED_ORIGIN_PATH = re.compile(r"^/api/v1/petitions/[-\w]+/(count|signatures)/$")


# The origins derived from the last partners mapping seen, recomputed only when that mapping is replaced.
_derived: tuple[object, frozenset[str]] = (None, frozenset())


def partner_origins() -> frozenset[str]:
    global _derived
    partners = active_partners()
    source, origins = _derived
    if source is not partners:
        origins = frozenset(origin for partner in partners.values() for origin in partner.get_allowed_origins())
        _derived = (partners, origins)
    return origins


def allow_partner_origins(sender, request, **kwargs) -> bool:
    if not request.path_info.startswith(API_PATH_PREFIX):
        return False
    origin = (request.headers.get("origin") or "").lower()
    if origin == "null":
        return bool(SANDBOXED_ORIGIN_PATH.match(request.path_info))
    return bool(origin) and origin in partner_origins()


def connect():
    from corsheaders.signals import check_request_enabled

    check_request_enabled.connect(allow_partner_origins, dispatch_uid="widget_api.cors.allow_partner_origins")
