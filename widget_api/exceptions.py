"""One error shape for every API response: ``{"errors": {field: [{"code", "message"}]}}``.

Errors that are not about one field (malformed JSON, unknown petition, closed petition, throttling) go under
``non_field_errors``, so clients read every failure the same way.

While the database (or Redis, when nothing can stand in for it) cannot be reached, the answer is 503
``service_unavailable`` with ``Retry-After`` (``wagtail_petitions.outages``), never a 500.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from wagtail_petitions.conf import conf
from wagtail_petitions.outages import report_failed_dependency
from wagtail_petitions.outages.responses import CODE as UNAVAILABLE_CODE
from wagtail_petitions.outages.responses import unavailable_message

from .parsers import PayloadTooLarge


class ServiceUnavailable(exceptions.APIException):
    """503 with ``Retry-After`` (DRF sets it from ``wait``): nothing was recorded, try again."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = UNAVAILABLE_CODE

    def __init__(self, wait: int | None = None):
        super().__init__(unavailable_message(), UNAVAILABLE_CODE)
        self.wait = wait if wait is not None else conf.OUTAGE_RETRY_AFTER


def _flatten(detail, codes):
    if isinstance(detail, dict):
        return {
            ("non_field_errors" if key in ("__all__", "detail") else key): _as_list(value, codes.get(key))
            for key, value in detail.items()
        }
    return {"non_field_errors": _as_list(detail, codes)}


def _as_list(detail, codes):
    if not isinstance(detail, list):
        detail, codes = [detail], [codes]
    if not isinstance(codes, list):
        codes = [codes] * len(detail)
    return [
        {"code": str(code or "invalid"), "message": str(message)} for message, code in zip(detail, codes, strict=False)
    ]


def exception_handler(exc, context):
    # DRF maps these two itself, but only inside its handler; map them first so they get our shape too.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif report_failed_dependency(exc) is not None:
        exc = ServiceUnavailable()
    elif isinstance(exc, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE: Django alone would answer HTML 400
        exc = PayloadTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"errors": _flatten(exc.detail, codes if isinstance(codes, dict) else codes)}
    if isinstance(exc, ServiceUnavailable):
        add_never_cache_headers(response)
    return response
