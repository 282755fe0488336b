"""``Idempotency-Key`` for signing: a retried request gets the first answer, never a second signature.

- same key, same request → the stored first answer (same status and body, header ``Idempotent-Replayed: true``);
- same key, another request (other petition, language or body) → 422 ``idempotency_key_reused``;
- same key while the first request is still being processed → 409 ``idempotency_key_in_flight``.

The answer is stored in the transaction that records the signature, so both exist or neither does. On PostgreSQL a
transaction-scoped advisory lock on the key tells "in flight" apart without waiting: whoever holds it is processing
that key, on whichever app process. SQLite serialises writing transactions (``BEGIN IMMEDIATE``), so there a
retry simply waits for the first request and gets its answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{8,128}")
# Answers worth replaying: the ones that depend on what was stored, or could change if asked again.
STORED_STATUSES = {201, 400, 409}
_LOCK_NAMESPACE = b"widget_api.idempotency"


class IdempotencyKeyInFlight(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still being processed. Retry in a moment."
    default_code = "idempotency_key_in_flight"


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was already used for a different request. Use a new key."
    default_code = "idempotency_key_reused"


def key_ttl() -> timedelta:
    """How long an answer is kept for replay (``WIDGET_API_IDEMPOTENCY_KEY_TTL`` seconds, default one day)."""
    return timedelta(seconds=getattr(settings, "WIDGET_API_IDEMPOTENCY_KEY_TTL", 86400))


def key_from_request(request) -> str | None:
    """The request's key, ``None`` without one; 400 when it is not 8-128 letters, digits or ``_ . : -``."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not KEY_PATTERN.fullmatch(value):
        raise ValidationError(
            {FIELD: ["Send 8 to 128 letters, digits, '_', '.', ':' or '-' (a random UUID is best)."]}, code="invalid"
        )
    return value


def fingerprint(*parts) -> str:
    """A stable hash of what a request asks for (JSON of ``parts``, keys sorted)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def lock_id(key: str) -> int:
    """The PostgreSQL advisory lock number of ``key`` (a keyed 64-bit hash)."""
    return int.from_bytes(
        hashlib.blake2b(key.encode(), key=_LOCK_NAMESPACE, digest_size=8).digest(), "big", signed=True
    )


def _lock_and_fetch(key: str):
    """Take the key's lock (``IdempotencyKeyInFlight`` if another transaction holds it) and read its stored answer.

    On PostgreSQL both happen in one statement (one round trip). Its snapshot may predate the lock, so an answer
    committed in between can be missed: storing ours then fails on the unique key and ``run_once`` starts over.
    """
    if connection.vendor != "postgresql":
        return IdempotencyKey.objects.filter(key=key).values_list("fingerprint", "status_code", "response_body").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s), stored.fingerprint, stored.status_code, stored.response_body "
            f"FROM (SELECT 1) AS one LEFT JOIN {IdempotencyKey._meta.db_table} AS stored ON stored.key = %s",
            [lock_id(key), key],
        )
        locked, *stored = cursor.fetchone()
    if not locked:
        raise IdempotencyKeyInFlight()
    if stored[0] is None:
        return None
    body = stored[2]
    return stored[0], stored[1], json.loads(body) if isinstance(body, str | bytes) else body


def _store_answer(key: str, request_fingerprint: str, status_code: int, body) -> None:
    """INSERT the answer with one plain statement: on the signing hot path, compiling ``objects.create()`` cost
    more Python time than the database spends on the row. Values are prepared by the model's own fields, so what
    is stored is what ``create()`` would store; a duplicate key raises ``IntegrityError`` as before.
    """
    fields = [IdempotencyKey._meta.get_field(name) for name in _STORED_FIELDS]
    values = [key, request_fingerprint, status_code, body, timezone.now()]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(IdempotencyKey._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)])


_STORED_FIELDS = ("key", "fingerprint", "status_code", "response_body", "created_at")


class _AnsweredMeanwhile(Exception):
    pass


def run_once(key: str, request_fingerprint: str, produce: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
    """Answer a request carrying ``key``: ``(status, body, replayed)``.

    ``produce`` does the work and returns ``(status, body)``; it runs inside this function's transaction, so what
    it writes and the stored answer commit together.
    """
    for _attempt in range(3):
        try:
            return _run_once(key, request_fingerprint, produce)
        except _AnsweredMeanwhile:
            continue  # the first request committed its answer between our read and our write: replay it
    raise IdempotencyKeyInFlight()


def _run_once(key, request_fingerprint, produce):
    try:
        with transaction.atomic():
            stored = _lock_and_fetch(key)
            if stored is not None:
                fingerprint_, status_code, body = stored
                if fingerprint_ != request_fingerprint:
                    raise IdempotencyKeyReused()
                return status_code, body, True
            status_code, body = produce()
            if status_code in STORED_STATUSES:
                _store_answer(key, request_fingerprint, status_code, body)
            return status_code, body, False
    except IntegrityError:
        # Everything above was rolled back. If the key is stored now, the first request won the race: replay it.
        if IdempotencyKey.objects.filter(key=key).exists():
            raise _AnsweredMeanwhile() from None
        raise


def prune_idempotency_keys(older_than: timedelta | None = None) -> int:
    """Delete answers older than ``older_than`` (default ``key_ttl()``); returns how many were deleted."""
    cutoff = timezone.now() - (older_than if older_than is not None else key_ttl())
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@task()
def prune_idempotency_keys_task(older_than_seconds: int | None = None) -> int:
    """The same, for the background worker (django-tasks): enqueue it daily, e.g. from cron or a scheduler."""
    return prune_idempotency_keys(timedelta(seconds=older_than_seconds) if older_than_seconds is not None else None)
