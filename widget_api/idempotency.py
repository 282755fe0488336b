"""``Idempotency-Key`` for signing: a retried request gets the first answer, never a second signature.

- same key, same request → the stored first answer (same status and body, header ``Idempotent-Replayed: true``);
- same key, another request (other petition, language or body) → 422 ``idempotency_key_reused``;
- same key while the first request is still being processed → 409 ``idempotency_key_in_flight``.

The answer is stored with the signature it answers, so both exist or neither does. On PostgreSQL all of it is one
statement (``KeyClaim`` with ``sign_petition``): a transaction-scoped advisory lock on the key tells "in flight"
apart without waiting (whoever holds it is processing that key, on whichever app process), then the stored answer
is checked, the signature written and the answer stored. A signature's answer is stored as its total and rebuilt
from it on replay; answers that wrote nothing (invalid data, a closed petition) are stored whole. SQLite
serialises writing transactions (``BEGIN IMMEDIATE``), so there a retry simply waits for the first request and
gets its answer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from wagtail_petitions.conf import conf
from wagtail_petitions.signing import SigningClaim
from wagtail_petitions.signing.postgres import COUNTED, GUARD

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{8,128}")
# Answers worth replaying: the ones that depend on what was stored, or could change if asked again.
STORED_STATUSES = {201, 202, 400, 409}
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
    """How long an answer is kept for replay (``WAGTAIL_PETITIONS_IDEMPOTENCY_KEY_TTL`` seconds, default a day)."""
    return timedelta(seconds=conf.IDEMPOTENCY_KEY_TTL)


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


def _table() -> str:
    return connection.ops.quote_name(IdempotencyKey._meta.db_table)


def _lock_and_fetch(key: str):
    """Take the key's lock (``IdempotencyKeyInFlight`` if another transaction holds it) and read its stored answer:
    ``None`` or ``(fingerprint, status_code, body, signature_count)``.

    On PostgreSQL both happen in one statement (one round trip). Its snapshot may predate the lock, so an answer
    committed in between can be missed: storing ours then fails on the unique key and ``run_once`` starts over.
    """
    if connection.vendor != "postgresql":
        return (
            IdempotencyKey.objects.filter(key=key)
            .values_list("fingerprint", "status_code", "response_body", "signature_count")
            .first()
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_GUARD_COLUMNS} FROM {_guard_from()}", [lock_id(key), key])
        proceed, locked, *stored = cursor.fetchone()
    if not locked:
        raise IdempotencyKeyInFlight()
    return None if proceed else _stored(stored)


# The guard of a signing statement (see ``KeyClaim``): go ahead only if the lock is ours and no answer is stored.
_GUARD_COLUMNS = (
    "lock.locked AND stored.key IS NULL AS proceed, lock.locked, "
    "stored.fingerprint, stored.status_code, stored.response_body, stored.signature_count"
)


def _guard_from() -> str:
    return f"(SELECT pg_try_advisory_xact_lock(%s) AS locked) AS lock LEFT JOIN {_table()} AS stored ON stored.key = %s"


def _stored(row):
    fingerprint_, status_code, body, signature_count = row
    if isinstance(body, str | bytes):
        body = json.loads(body)
    return fingerprint_, status_code, body, signature_count


def _store_answer(key: str, request_fingerprint: str, status_code: int, body, signature_count=None) -> None:
    """INSERT the answer with one plain statement, its values prepared by the model's own fields, so what is
    stored is what ``objects.create()`` would store; a duplicate key raises ``IntegrityError``.
    """
    values = [key, request_fingerprint, status_code, body, signature_count, timezone.now()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table()} ({_stored_columns()}) VALUES ({', '.join(['%s'] * len(values))})",
            _prepared(values),
        )


_STORED_FIELDS = ("key", "fingerprint", "status_code", "response_body", "signature_count", "created_at")


def _stored_columns() -> str:
    return ", ".join(connection.ops.quote_name(IdempotencyKey._meta.get_field(name).column) for name in _STORED_FIELDS)


def _prepared(values) -> list:
    fields = [IdempotencyKey._meta.get_field(name) for name in _STORED_FIELDS]
    return [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]


@functools.cache
def _guard_sql() -> str:
    return f"SELECT {_GUARD_COLUMNS} FROM {_guard_from()}"


@functools.cache
def _record_sql() -> str:
    # No ON CONFLICT: if another request stored this key meanwhile, the whole statement fails and is retried.
    return (
        f"INSERT INTO {_table()} ({_stored_columns()}) "
        f"SELECT %s, %s, %s, NULL, {COUNTED}.total, %s FROM {COUNTED}, {GUARD} WHERE {GUARD}.proceed"
    )


class StoredAnswer(Exception):
    """The key was answered before: replay that answer."""

    def __init__(self, status_code: int, body, signature_count):
        self.status_code, self.body, self.signature_count = status_code, body, signature_count


class KeyClaim(SigningClaim):
    """Signing under an ``Idempotency-Key``: refuse if the key is in flight or answered, else record the answer
    with the signature. A signature's answer is stored as its total (``signature_count``) and rebuilt from it on
    replay, since the statement that writes it cannot run Python (see ``SigningClaim``).
    """

    def __init__(self, key: str, request_fingerprint: str):
        self.key = key
        self.request_fingerprint = request_fingerprint

    def guard_sql(self):
        return _guard_sql(), [lock_id(self.key), self.key]

    def refuse(self, row):
        proceed, locked, *stored = row
        if not locked:
            raise IdempotencyKeyInFlight()
        self._refuse_stored(_stored(stored))

    def _refuse_stored(self, stored):
        fingerprint_, status_code, body, signature_count = stored
        if fingerprint_ != self.request_fingerprint:
            raise IdempotencyKeyReused()
        raise StoredAnswer(status_code, body, signature_count)

    @property
    def answer_status(self) -> int:
        """201 for a counted signature, 202 for "check your inbox" (``awaiting_confirmation``)."""
        return status.HTTP_202_ACCEPTED if self.awaiting_confirmation else status.HTTP_201_CREATED

    def record_sql(self):
        # Plain strings, an int and an aware datetime: what the model's fields would prepare them into.
        return _record_sql(), [self.key, self.request_fingerprint, self.answer_status, timezone.now()]

    def acquire(self):
        stored = _lock_and_fetch(self.key)
        if stored is not None:
            self._refuse_stored(stored)

    def record(self, signature_count):
        _store_answer(self.key, self.request_fingerprint, self.answer_status, None, signature_count)
        self.recorded = True


class _AnsweredMeanwhile(Exception):
    pass


def run_once(
    key: str,
    request_fingerprint: str,
    produce: Callable[[KeyClaim], tuple[int, dict]],
    rebuild: Callable[[int, int], dict],
) -> tuple[int, dict, bool]:
    """Answer a request carrying ``key``: ``(status, body, replayed)``.

    ``produce(claim)`` does the work and returns ``(status, body)``; it hands ``claim`` to ``sign_petition``, which
    records the answer with the signature. An answer that wrote nothing (invalid data, closed petition) is stored
    here. ``rebuild(status_code, signature_count)`` makes the body of a replayed signature answer (201 or 202).
    """
    for _attempt in range(3):
        try:
            return _run_once(key, request_fingerprint, produce, rebuild)
        except _AnsweredMeanwhile:
            continue  # the first request committed its answer between our read and our write: replay it
    raise IdempotencyKeyInFlight()


def _run_once(key, request_fingerprint, produce, rebuild):
    claim = KeyClaim(key, request_fingerprint)
    try:
        status_code, body = produce(claim)
        if claim.recorded or status_code not in STORED_STATUSES:
            return status_code, body, False
        with transaction.atomic():
            claim.acquire()
            _store_answer(key, request_fingerprint, status_code, body)
        return status_code, body, False
    except StoredAnswer as stored:
        body = stored.body if stored.body is not None else rebuild(stored.status_code, stored.signature_count)
        return stored.status_code, body, True
    except IntegrityError:
        # Everything was rolled back. If the key is stored now, the first request won the race: replay it.
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
