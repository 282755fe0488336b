"""Where the API lives, read from the URLconf (``reverse``) rather than written out: mount ``widget_api.urls``
anywhere and the CORS rule, the API's language rule and the site-only middleware follow."""

import functools

from django.urls import Resolver404, resolve, reverse


@functools.cache
def api_path_prefix() -> str:
    """The path of the API's root (``/api/`` in this project), script prefix included."""
    return reverse("widget_api:root")


def is_api_path(request) -> bool:
    return request.path.startswith(api_path_prefix())


def api_view_name(request) -> str | None:
    """``widget_api``'s URL name of the request's path (``petition-count``, ...), or ``None``."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.url_name if match.namespace == "widget_api" else None
