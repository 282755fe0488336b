from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType
from rest_framework.parsers import BaseParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

from wagtail_petitions.conf import conf

#: Deepest nesting of arrays and objects a body may have. A signature is one flat object; Python's JSON decoder
#: and every walk over the result recurse, so a body of a thousand ``[`` would otherwise end in a RecursionError.
MAX_NESTING = 32


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class LimitedJSONParser(BaseParser):
    """JSON only, and at most ``WAGTAIL_PETITIONS_SIGNATURE_MAX_BODY_BYTES``: a signature is a few hundred bytes.

    Not a subclass of DRF's ``JSONParser``: DRF reads the whole body (``request.body``, up to Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``) before calling one of those. This one reads at most the limit plus one byte
    from the stream and decodes it whole (DRF's parser wraps the stream in a decoding reader, which costs more than
    the parsing of such a small document). Errors read as DRF's: 400 ``parse_error`` for what is not JSON (or nests
    deeper than ``MAX_NESTING``), 415 for a charset that is not a text encoding, 413 over the limit.
    """

    media_type = "application/json"
    strict = api_settings.STRICT_JSON

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
            text = body.decode(encoding)
        except LookupError:  # Python knows codecs such as rot13 or base64 by name: they do not turn bytes into text
            raise UnsupportedMediaType(media_type, detail=f"The charset {encoding!r} is not a text encoding.") from None
        except ValueError as exc:  # bytes that are not in ``encoding``
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            # Any body nesting deeper than MAX_NESTING holds more brackets than that: counting them is cheap, and
            # only then is the nesting measured (and the decoder's own recursion caught).
            if text.count("[") + text.count("{") > MAX_NESTING:
                check_nesting(text)
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError("JSON parse error - the body nests too deeply.") from None
        except ValueError as exc:  # invalid JSON
            raise ParseError(f"JSON parse error - {exc}") from None
        # A lone surrogate can only come from a ``\u`` escape: undecodable bytes were refused above.
        if b"\\u" in body and _has_lone_surrogate(data):
            raise ParseError("JSON parse error - the body contains an unpaired UTF-16 surrogate.")
        return data


def check_nesting(text: str) -> None:
    """Raise ``ParseError`` if the arrays and objects of the JSON document ``text`` nest deeper than
    ``MAX_NESTING``; brackets inside strings do not count. Iterative: no recursion however deep the text."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise ParseError(f"JSON parse error - arrays and objects nest deeper than {MAX_NESTING} levels.")
        elif char in "]}":
            depth -= 1


def _has_lone_surrogate(value) -> bool:
    # JSON may escape characters that UTF-8 cannot encode; they would fail later, in the database or the response.
    # A walk with a stack, not recursion (the nesting is bounded by ``MAX_NESTING`` anyway).
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False
