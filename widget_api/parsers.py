from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

from wagtail_petitions.conf import conf


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """JSON only, and at most ``WAGTAIL_PETITIONS_SIGNATURE_MAX_BODY_BYTES``: a signature is a few hundred bytes.

    The body is read once and decoded whole (DRF's parser wraps the stream in a decoding reader, which costs more
    than the parsing of such a small document); errors read as DRF's.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = conf.SIGNATURE_MAX_BODY_BYTES
        request = parser_context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge()
        encoding = parser_context.get("encoding") or settings.DEFAULT_CHARSET
        try:
            data = json.loads(body.decode(encoding), parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:  # invalid JSON, or bytes that are not in ``encoding``
            raise ParseError(f"JSON parse error - {exc}") from None
        # A lone surrogate can only come from a ``\u`` escape: undecodable bytes were refused above.
        if b"\\u" in body and _has_lone_surrogate(data):
            raise ParseError("JSON parse error - the body contains an unpaired UTF-16 surrogate.")
        return data


def _has_lone_surrogate(value) -> bool:
    # JSON may escape characters that UTF-8 cannot encode; they would fail later, in the database or the response.
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False
