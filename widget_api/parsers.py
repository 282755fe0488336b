import io

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser

from wagtail_petitions.conf import conf


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """JSON only, and at most ``WAGTAIL_PETITIONS_SIGNATURE_MAX_BODY_BYTES``: a signature is a few hundred bytes."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = conf.SIGNATURE_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge()
        return super().parse(io.BytesIO(body), media_type, parser_context)
