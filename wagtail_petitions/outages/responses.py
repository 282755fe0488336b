"""The answer while a dependency is down: 503 with ``Retry-After``, never a 500, never a hang.

``failed_dependency(error)`` tells whether an exception means "the database (or Redis) cannot be reached" rather
than a bug. ``unavailable_response`` is the answer then: the API's error envelope
(``{"errors": {"non_field_errors": [{"code": "service_unavailable", "message"}]}}``) for clients that do not ask for
HTML (the widget's ``fetch``, API clients), a short page for browsers (the no-JavaScript form, page views); both
say that nothing was recorded and to try again, carry ``Retry-After: OUTAGE_RETRY_AFTER`` and are never cached.

``handlers.server_error`` (the site's ``handler500``) answers that way for an exception of a failed dependency
raised anywhere (a view, a middleware, Wagtail's page routing), and as Django's own ``server_error`` otherwise. The
API maps the same exceptions itself (``widget_api.exceptions``); the site's response cache serves stale pages and
counts instead of any 5xx (stale-if-error, ``petitions_site.response_cache``).
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ..conf import conf

CODE = "service_unavailable"
DATABASE = "database"
CACHE = "cache"


def causes(error: BaseException | None):
    """``error`` and what caused it (``__cause__``), five deep at most."""
    seen = 0
    while error is not None and seen < 5:
        yield error
        error, seen = error.__cause__, seen + 1


def failed_dependency(error: BaseException | None) -> str | None:
    """``"database"`` or ``"cache"`` when ``error`` (or what caused it) means that dependency cannot be reached."""
    for cause in causes(error):
        if isinstance(cause, OperationalError | InterfaceError):
            return DATABASE
        if isinstance(cause, RedisConnectionError | RedisTimeoutError):
            return CACHE
    return None


def unavailable_message() -> str:
    return _("The service is briefly unavailable and nothing was recorded. Please try again in a moment.")


def wants_html(request) -> bool:
    """Browsers name ``text/html``; ``fetch`` and API clients send ``*/*`` or ``application/json``."""
    return "text/html" in request.headers.get("Accept", "")


def unavailable_response(request, dependency: str | None = None) -> HttpResponse:
    """503, ``Retry-After``, never cached: the error envelope as JSON, or a short page for browsers."""
    message = unavailable_message()
    if wants_html(request):
        response = HttpResponse(
            render_to_string("wagtail_petitions/unavailable.html", {"message": message}, request=None),
            status=503,
        )
    else:
        response = JsonResponse({"errors": {"non_field_errors": [{"code": CODE, "message": message}]}}, status=503)
    response["Retry-After"] = str(conf.OUTAGE_RETRY_AFTER)
    add_never_cache_headers(response)
    return response
