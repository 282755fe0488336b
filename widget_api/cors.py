"""CORS for the API: a browser on a partner's site may call it only if the origin is on an active partner.

django-cors-headers asks ``check_request_enabled`` whether to allow a request's origin. It can ask twice per
request and on every path, so the handler checks the path first and reads the origins from a cached set that
changes to partners invalidate.
"""

import re

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

ORIGINS_CACHE_KEY = "widget_api:partner_origins"
ORIGINS_CACHE_SECONDS = 60
API_PATH_PREFIX = "/api/"
# The widget's own requests from a sandboxed iframe (WordPress embeds its oEmbed iframes with
# sandbox="allow-scripts") come from an opaque origin: the browser sends ``Origin: null``. Only the count and
# signing endpoints accept it. That opens nothing: they use no cookie, session or credential (CORS never allows
# credentials here), and anyone can already call them without a browser; what CORS guards, ambient authority,
# does not exist on them. Partner origins stay the rule for every other origin and path.
SANDBOXED_ORIGIN_PATH = re.compile(r"^/api/v1/petitions/[-\w]+/(count|signatures)/$")


def partner_origins() -> frozenset[str]:
    origins = cache.get(ORIGINS_CACHE_KEY)
    if origins is None:
        from wagtail_petitions.models import Partner

        origins = frozenset(
            origin for partner in Partner.objects.filter(is_active=True) for origin in partner.get_allowed_origins()
        )
        cache.set(ORIGINS_CACHE_KEY, origins, ORIGINS_CACHE_SECONDS)
    return origins


def allow_partner_origins(sender, request, **kwargs) -> bool:
    if not request.path_info.startswith(API_PATH_PREFIX):
        return False
    origin = (request.headers.get("origin") or "").lower()
    if origin == "null":
        return bool(SANDBOXED_ORIGIN_PATH.match(request.path_info))
    return bool(origin) and origin in partner_origins()


def forget_partner_origins(**kwargs):
    cache.delete(ORIGINS_CACHE_KEY)


def connect():
    from corsheaders.signals import check_request_enabled

    from wagtail_petitions.models import Partner

    check_request_enabled.connect(allow_partner_origins, dispatch_uid="widget_api.cors.allow_partner_origins")
    post_save.connect(forget_partner_origins, sender=Partner, dispatch_uid="widget_api.cors.forget_on_save")
    post_delete.connect(forget_partner_origins, sender=Partner, dispatch_uid="widget_api.cors.forget_on_delete")
