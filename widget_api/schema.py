"""The OpenAPI schema describes the public API only (``/api/…``), not the admin's own API that Wagtail mounts."""

from .paths import api_path_prefix


def public_endpoints_only(endpoints, **kwargs):
    """drf-spectacular ``PREPROCESSING_HOOKS`` entry: keep the endpoints under the public API's prefix."""
    prefix = api_path_prefix()
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(prefix)]
