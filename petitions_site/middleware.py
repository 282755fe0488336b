"""Middleware the site and the admin need and the public API does not."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.utils.module_loading import import_string

from widget_api.paths import is_api_path


class SiteOnlyMiddleware:
    """Runs the middleware listed in ``SITE_ONLY_MIDDLEWARE`` (in that order, as if they stood here in
    ``MIDDLEWARE``) for every path but the public API's.

    The API has no session, user, message or cookie of any kind, so sessions, authentication and messages only
    cost it time: on the signing hot path they were a tenth of the request's CPU. Only middleware made of
    ``__call__`` (``process_request``/``process_response``) can be listed: a ``process_view``,
    ``process_exception`` or ``process_template_response`` hook would be skipped on every path, so such a
    middleware (CSRF, for one) stays in ``MIDDLEWARE``.
    """

    HOOKS = ("process_view", "process_exception", "process_template_response")

    def __init__(self, get_response):
        self.api_response = get_response
        handler = get_response
        # Read once, when Django builds the middleware chain, as it reads MIDDLEWARE itself.
        for path in reversed(settings.SITE_ONLY_MIDDLEWARE):
            middleware_class = import_string(path)
            try:
                middleware = middleware_class(handler)
            except MiddlewareNotUsed:
                continue
            if hooks := [hook for hook in self.HOOKS if hasattr(middleware, hook)]:
                raise ImproperlyConfigured(f"{path} has {', '.join(hooks)}: list it in MIDDLEWARE instead.")
            handler = middleware
        self.site_response = handler

    def __call__(self, request):
        if is_api_path(request):
            return self.api_response(request)
        return self.site_response(request)
