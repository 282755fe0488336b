"""django-csp's middleware with the site-wide policy built once, not for every response.

``CSPMiddleware.process_response`` builds the policy string from the settings on every response (a deep copy of
its parts, then every directive joined): a twentieth of a signing request's time (``make bench``). Most responses
use the site-wide policy as it is: no nonce asked for by a template, no ``@csp_update``/``@csp_replace``/
``@csp_override`` on the view. For those, ``ContentSecurityPolicyMiddleware`` sets the same headers, under the same
conditions, from strings built once (and built again when a setting changes, as in tests). Every other response
goes through django-csp's own code. A differential test pins both answers to django-csp's
(``tests/petitions_site/test_content_security_policy.py``).
"""

from __future__ import annotations

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

#: What a view or decorator sets on a response to change its policy (django-csp's ``csp.decorators``).
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def site_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The site-wide policy header value (``""`` when none) and the path prefixes it leaves out."""
    name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
    config = getattr(settings, name, None) or {}
    return build_policy(report_only=report_only), tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())


@receiver(setting_changed)
def forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _PER_RESPONSE):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        kinds = ((HEADER, "_csp_exempt", False), (HEADER_REPORT_ONLY, "_csp_exempt_ro", True))
        for header, exempt, report_only in kinds:
            policy, excluded = site_policy(report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp does: once the header is written, asking for a nonce is an error (it could not be added).
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
