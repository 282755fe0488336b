"""The OpenAPI schema describes the public API only (``/api/…``), not the admin's own API that Wagtail mounts, and
every error answer it can give, all in the one error envelope (``widget_api.exceptions``)."""

from .paths import api_path_prefix

ERROR_ENVELOPE = "ErrorEnvelope"

#: Error answers every operation may give: bad input (query string, headers), unknown petition or object, too many
#: requests, a dependency down (``Retry-After``).
COMMON_ERRORS = {
    "400": "Bad request: a field or parameter is invalid (one entry per field).",
    "404": "Not found (an unknown petition, or one the caller may not see).",
    "406": "Not acceptable: the API answers JSON (and CSV or SVG where documented).",
    "429": "Too many requests; `Retry-After` says when to try again.",
    "503": "A dependency (database, cache) is down; nothing was recorded; `Retry-After` says when to try again.",
}
#: Operations with a request body.
BODY_ERRORS = {
    "413": "The body is larger than the API accepts.",
    "415": "Unsupported media type: send `application/json`.",
}
#: Operations that need a partner token.
AUTH_ERRORS = {
    "401": "No token, or an unknown, revoked or expired one.",
    "403": "The token lacks the scope this operation needs.",
}
#: Answers of one operation only, by operationId suffix: signing's ``Idempotency-Key``.
IDEMPOTENCY_ERRORS = {
    "409": "A request with this Idempotency-Key is still being processed; retry later.",
    "422": "This Idempotency-Key was used with another body.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}


def public_endpoints_only(endpoints, **kwargs):
    """drf-spectacular ``PREPROCESSING_HOOKS`` entry: keep the endpoints under the public API's prefix."""
    prefix = api_path_prefix()
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(prefix)]


def require_bodies_with_required_fields(result, generator, request, public):
    """drf-spectacular ``POSTPROCESSING_HOOKS`` entry: a request body given as a plain JSON Schema (signing's, built
    from its form) is required when its schema requires fields; drf-spectacular only says so of serializers."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body and any(media.get("schema", {}).get("required") for media in body.get("content", {}).values()):
                body["required"] = True
    return result


def error_envelope_schema() -> dict:
    """``{"errors": {field: [{"code", "message"}]}}``; errors not about one field are under ``non_field_errors``."""
    error = {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        "required": ["code", "message"],
    }
    return {
        "type": "object",
        "properties": {"errors": {"type": "object", "additionalProperties": {"type": "array", "items": error}}},
        "required": ["errors"],
    }


def document_error_responses(result, generator, request, public):
    """drf-spectacular ``POSTPROCESSING_HOOKS`` entry: every operation lists the error answers it can give, each in
    the error envelope, so that clients (and the schemathesis fuzzing in the tests) can rely on the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_ENVELOPE] = error_envelope_schema()
    reference = {"$ref": f"#/components/schemas/{ERROR_ENVELOPE}"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON_ERRORS)
            if "requestBody" in operation:
                errors |= BODY_ERRORS
            security = operation.get("security") or [{}]
            if {} not in security:  # ``[{}]``: no credentials needed
                errors |= AUTH_ERRORS
            if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
                errors |= IDEMPOTENCY_ERRORS
            # Errors come in the format the request negotiated: JSON, or the operation's other formats (HAL, CSV...).
            media_types = {"application/json"}
            for success in operation["responses"].values():
                media_types.update(success.get("content", {}))
            for code, description in errors.items():
                response = operation["responses"].setdefault(code, {"description": description})
                for media_type in sorted(media_types):
                    response.setdefault("content", {})[media_type] = {"schema": reference}
                if code in ("429", "503"):
                    response.setdefault("headers", {}).update(RETRY_AFTER)
    return result
