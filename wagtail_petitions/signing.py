"""Signing a petition: the one domain function that the API, the page form, the admin and commands all call."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from django.conf import settings
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    models,
    router,
    transaction,
)
from django.db.models.constants import OnConflict
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
from django_countries.fields import CountryField
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import ConnStatus, DiagnosticField, ExecStatus

from . import tally
from .models import Channel, SignatureState
from .signals import petition_signed
from .text import normalize_email


class SigningError(Exception):
    """Base class of the reasons a signature is refused."""

    code = "signing_error"


class PetitionNotOpen(SigningError):
    code = "petition_not_open"

    def __init__(self, petition):
        self.petition = petition
        super().__init__(f"Petition {petition.slug!r} is {petition.status} and no longer takes signatures.")


class InvalidSignature(SigningError):
    code = "invalid"

    def __init__(self, errors: dict[str, list[dict[str, str]]], form=None):
        self.errors = errors
        self.form = form
        super().__init__(f"Invalid signature: {', '.join(errors)}")


@dataclass(frozen=True)
class SigningResult:
    petition: Any
    signature: Any
    # False for a repeat signer. Never shown to the signer: a repeat gets the same answer as a new signature.
    created: bool
    # The petition's total as the signer should see it: includes their own signature (see ``tally.add``).
    signature_count: int | None = None


class SigningClaim:
    """Something written atomically with a signature that may also refuse it: the API's ``Idempotency-Key``
    answer (``widget_api.idempotency.KeyClaim``) is the one in this project. Override every method.

    ``sign_petition(..., claim=claim)`` uses a claim in one of two ways:

    - On PostgreSQL's one-statement path, ``guard_sql()`` is a query returning one row, run first in the same
      statement: the signature is written only if the row's first column is true; when it is false,
      ``refuse(row)`` is called afterwards and must raise. ``record_sql()`` is an ``INSERT ... SELECT ... FROM
      counted, guard WHERE guard.proceed`` run in the same statement, where ``counted.total`` is the total shown
      to the signer. The statement is the transaction: nothing is written unless all of it is.
    - Anywhere else, inside the signing transaction: ``acquire()`` before the signature is written (raise to
      refuse), ``record(total)`` after it was written or found to be a repeat.

    After either, ``recorded`` is true.
    """

    recorded = False

    def guard_sql(self) -> tuple[str, list]:
        raise NotImplementedError

    def refuse(self, row: tuple) -> None:
        raise NotImplementedError

    def record_sql(self) -> tuple[str, list]:
        raise NotImplementedError

    def acquire(self) -> None:
        raise NotImplementedError

    def record(self, signature_count: int) -> None:
        raise NotImplementedError


def sign_petition(
    petition,
    data: Mapping[str, Any],
    *,
    channel: str = Channel.ONLINE,
    state: str = SignatureState.COUNTED,
    claim: SigningClaim | None = None,
) -> SigningResult:
    """Validate ``data`` and record one signature on ``petition``, counted once per normalised email.

    The signature row and its tally increment (and the ``claim``'s record, if any) are written in one
    transaction, so the tally never disagrees with the rows. Raises ``PetitionNotOpen`` or ``InvalidSignature``
    before anything is written, or whatever the claim raises to refuse; nothing is saved then.
    """
    if not petition.is_open():
        raise PetitionNotOpen(petition)
    form = petition.get_signature_form_class()(data=data)
    if not form.is_valid():
        raise InvalidSignature(form.error_dict(), form=form)
    cleaned = form.cleaned_data
    partner = cleaned.get("partner")
    signature = petition.get_signature_model()(
        petition_key=petition.get_tally_key(),
        page_id=petition.pk,
        first_name=cleaned["first_name"],
        last_name=cleaned["last_name"],
        email=cleaned["email"],
        email_normalized=normalize_email(cleaned["email"]),
        country=cleaned["country"],
        postal_code=cleaned.get("postal_code") or "",
        consent_updates=cleaned.get("consent_updates", False),
        consent_partner=bool(partner) and cleaned.get("consent_partner", False),
        consent_text_version=petition.consent_text_version,
        partner=partner,
        source=cleaned.get("source") or "",
        language=petition.language_code,
        channel=channel,
        state=state,
    )
    alias = router.db_for_write(signature.__class__)
    if _can_insert_in_one_statement(signature, alias):
        inserted, signature_count = _insert_in_one_statement(signature, claim, alias)
        if not inserted:
            return _repeat(petition, signature, signature_count if claim is not None else None)
    else:
        signature_count, existing = _insert_in_transaction(signature, claim)
        if existing is not None:
            return SigningResult(petition=petition, signature=existing, created=False, signature_count=signature_count)
    transaction.on_commit(
        lambda: petition_signed.send(sender=signature.__class__, petition=petition, signature=signature)
    )
    return SigningResult(petition=petition, signature=signature, created=True, signature_count=signature_count)


def _repeat(petition, signature, count=None) -> SigningResult:
    existing = signature.__class__.objects.get(
        petition_key=signature.petition_key, email_normalized=signature.email_normalized
    )
    if count is None:
        # Rare (a repeat): read the total rows again; they include the earlier signature.
        count = tally.total(signature.petition_key)
    return SigningResult(petition=petition, signature=existing, created=False, signature_count=count)


def _insert_in_transaction(signature, claim) -> tuple[int | None, Any]:
    """The portable path: ``save()`` and ``tally.add`` in a transaction. Returns ``(total, None)`` for a new
    signature, ``(total, existing signature)`` for a repeat."""
    with transaction.atomic():
        if claim is not None:
            claim.acquire()
        existing = None
        signature_count = None
        try:
            with transaction.atomic():
                signature.save()
                if signature.is_counted:
                    signature_count = tally.add(
                        signature.petition_key,
                        country=str(signature.country),
                        partner_id=signature.partner_id,
                        channel=signature.channel,
                    )
        except IntegrityError:
            existing = signature.__class__.objects.filter(
                petition_key=signature.petition_key, email_normalized=signature.email_normalized
            ).first()
            if existing is None:
                raise
            # Rare (a repeat): read the total rows again; they include the earlier signature.
            signature_count = tally.total(signature.petition_key)
        if claim is not None:
            claim.record(signature_count if signature_count is not None else tally.total(signature.petition_key))
    return signature_count, existing


def _can_insert_in_one_statement(signature, alias) -> bool:
    """The fast path needs PostgreSQL and a plain signature model (no ``save()`` override, no parent table)."""
    model = signature.__class__
    return connections[alias].vendor == "postgresql" and model.save is models.Model.save and not model._meta.parents


def _insert_in_one_statement(signature, claim=None, alias=None) -> tuple[bool, int]:
    """INSERT the signature unless this signer already signed, and count it, in one statement (one round trip,
    atomic without a transaction). With a ``claim``, its guard and record are part of the same statement.
    Returns ``(inserted, total shown to the signer)``.
    """
    model = signature.__class__
    alias = alias or router.db_for_write(model)
    connection_ = connections[alias]
    # The signals Model.save() would send, so receivers see no difference.
    pre_save.send(sender=model, instance=signature, raw=False, using=alias, update_fields=None)
    insert_sql, insert_params = _insert_sql(signature, alias, guarded=claim is not None, connection_=connection_)
    params, parts = [], {}
    if claim is not None:
        parts["guard"], guard_params = claim.guard_sql()
        params += guard_params
    params += insert_params
    if signature.is_counted:
        parts["bump"], bump_params = tally.bump_ctes("inserted")
        params += bump_params
    parts["total"], total_params = tally.total_sql(signature.petition_key)
    params += total_params
    if claim is not None:
        parts["record"], record_params = claim.record_sql()
        params += record_params
    # The same text for every signature: composed once, and the same string object keys its prepared statement.
    statement_key = (insert_sql, *parts.values())
    sql = _statements.get(statement_key)
    if sql is None:
        sql = _statements[statement_key] = _compose_statement(model, insert_sql, parts)
    # Inside a caller's transaction a failed statement (a claim's record racing another) must not break it.
    with transaction.atomic(using=alias) if connection_.in_atomic_block else nullcontext():
        pk, total, *guard = _execute_prepared(connection_, sql, params)
    if claim is not None:
        if not guard[0]:
            claim.refuse(tuple(guard))
        claim.recorded = True
    if pk is None:
        return False, int(total)
    signature.pk = pk
    signature._state.adding = False
    signature._state.db = alias
    post_save.send(sender=model, instance=signature, created=True, update_fields=None, raw=False, using=alias)
    return True, int(total)


_statements: dict[tuple, str] = {}


def _compose_statement(model, insert_sql: str, parts: dict) -> str:
    ctes = [f"guard AS ({parts['guard']})"] if "guard" in parts else []
    ctes.append(f"inserted AS ({insert_sql})")
    added = "0"
    if "bump" in parts:
        ctes += parts["bump"]
        added = "(SELECT COUNT(*) FROM bumped)"
    ctes.append(f"counted AS (SELECT {parts['total']} + {added} AS total)")
    if "record" in parts:
        ctes.append(f"recorded AS ({parts['record']})")
    sql = f"WITH {', '.join(ctes)} SELECT (SELECT {_pk(model)} FROM inserted), counted.total"
    return sql + (", guard.* FROM counted, guard" if "guard" in parts else " FROM counted")


# The INSERT statement per (model, database alias): compiling an ORM InsertQuery costs more Python time per
# signature than the database spends on the row, and the statement's text never changes between signatures.
_insert_statements: dict[tuple[type, str, bool], tuple[str, list, list]] = {}


def _insert_sql(signature, alias, guarded: bool = False, connection_=None) -> tuple[str, list]:
    """``INSERT ... ON CONFLICT (petition_key, email_normalized) DO NOTHING RETURNING pk, ...`` (the pk and
    ``tally.BUMP_SOURCE_COLUMNS``) and its parameters; ``guarded``: the row is inserted only if the ``guard``
    CTE's ``proceed`` is true (see ``SigningClaim``).

    The text is compiled once by the ORM and reused; the parameters are prepared per signature exactly as the
    compiler prepares them (``pre_save`` then ``get_db_prep_save``). A value the cached text cannot carry (an
    expression) falls back to compiling the query for that signature.
    """
    model = signature.__class__
    statement = _insert_statements.get((model, alias, guarded))
    if statement is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
        if any(hasattr(field, "get_placeholder") for field in fields):
            return _compile_insert_sql(signature, alias, fields, guarded)
        sql = _compile_insert_sql(signature, alias, fields, guarded)[0]
        statement = _insert_statements[(model, alias, guarded)] = (sql, fields, _preparers(fields, connections[alias]))
    sql, fields, preparers = statement
    connection_ = connection_ or connections[alias]
    values = [_read(signature, field, how) for field, how, _ in preparers]
    if any(hasattr(value, "resolve_expression") for value in values):
        return _compile_insert_sql(signature, alias, fields, guarded)
    return sql, [
        value if type(value) in unchanged and _sent_unchanged(value) else field.get_db_prep_save(value, connection_)
        for (field, _, unchanged), value in zip(preparers, values, strict=True)
    ]


def _preparers(fields, connection_) -> list[tuple[Any, str, tuple[type, ...]]]:
    """Per field: how its value is read before saving (``_read``), and the Python types whose values its
    ``get_db_prep_save`` returns unchanged on this database (read from Django's code: a string for a text field,
    a bool for a boolean, ...). Such values are sent as they are: preparing every value the generic way cost more
    than the database spends on the row. Worked out once per statement (see ``_insert_statements``)."""
    return [(field, _how_to_read(field), _unchanged_types(field, connection_)) for field in fields]


def _how_to_read(field) -> str:
    if type(field).pre_save is models.Field.pre_save:
        return "attribute"
    if type(field) is CountryField and not field.multiple:
        # Its descriptor keeps the clean code in the instance's __dict__; pre_save would build a Country object
        # from it only to take its code back.
        return "stored"
    return "pre_save"


def _read(instance, field, how):
    if how == "attribute":
        return getattr(instance, field.attname)
    if how == "stored":
        value = instance.__dict__.get(field.attname)
        if type(value) is str:
            return value
    return field.pre_save(instance, True)


_TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.SlugField)
_INTEGER_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
)


def _unchanged_types(field, connection_) -> tuple[type, ...]:
    kind = type(field)
    if kind in _TEXT_FIELDS or (kind is CountryField and not field.multiple):
        return (str,)
    if kind is models.BooleanField:
        return (bool,)
    if kind in _INTEGER_FIELDS:
        return (int,)
    if kind is models.ForeignKey and type(field.target_field) in _INTEGER_FIELDS:
        return (int, type(None))
    if connection_.vendor == "postgresql" and kind is models.UUIDField:
        return (uuid.UUID,)
    if connection_.vendor == "postgresql" and kind is models.DateTimeField and settings.USE_TZ:
        return (datetime,)  # aware ones only, see _sent_unchanged
    return ()


def _sent_unchanged(value) -> bool:
    # A naive datetime is made aware (with a warning) by DateTimeField: not one to send as it is.
    return type(value) is not datetime or value.tzinfo is not None


def _compile_insert_sql(signature, alias, fields, guarded=False) -> tuple[str, list]:
    model = signature.__class__
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [signature])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [model._meta.pk]
    [(insert_sql, insert_params)] = compiler.as_sql()
    quote = connections[alias].ops.quote_name
    # The inserted row's columns that count it (``tally.bump_ctes``), so they are not sent twice.
    insert_sql += "".join(
        f", {quote(model._meta.get_field(name.removesuffix('_id')).column)} AS {name}"
        for name in tally.BUMP_SOURCE_COLUMNS
    )
    # Only the one-signature-per-signer constraint means "a repeat"; any other conflict must raise.
    target = ", ".join(quote(model._meta.get_field(name).column) for name in ("petition_key", "email_normalized"))
    insert_sql = insert_sql.replace("ON CONFLICT DO NOTHING", f"ON CONFLICT ({target}) DO NOTHING", 1)
    if guarded:
        # INSERT ... SELECT resolves untyped parameters against the target columns, as VALUES does.
        insert_sql, replaced = _VALUES.subn(r" SELECT \1 FROM guard WHERE guard.proceed ON CONFLICT ", insert_sql)
        if replaced != 1:
            raise RuntimeError(f"Unexpected INSERT statement: {insert_sql}")
    return insert_sql, insert_params


_VALUES = re.compile(r" VALUES \((.*)\) ON CONFLICT ", re.DOTALL)


def _execute_prepared(connection_, sql, params) -> tuple:
    """Run the statement as a server-side prepared statement and return its row.

    The statement's text is the same for every signature, so PostgreSQL parses and plans it once per connection
    instead of once per signature. Django's own cursors bind parameters on the client, which cannot prepare; the
    statement goes through psycopg's libpq layer on the same connection instead (``_run_on_libpq``).

    Django's per-request health check (``CONN_HEALTH_CHECKS``, a ``SELECT 1`` round trip) is replaced by a retry:
    the statement is atomic on its own, so if the kept connection turns out to be dead it is reopened and the
    statement sent again. If the first attempt did commit before the connection broke, the retry finds the same
    signer (a repeat) or the same key (a replay), so nothing is counted twice.
    """
    retry = not connection_.in_atomic_block
    if retry:
        connection_.health_check_done = True
    try:
        return _execute_prepared_once(connection_, sql, params)
    except (OperationalError, InterfaceError):
        if not retry:
            raise
        connection_.close()
        return _execute_prepared_once(connection_, sql, params)


def _execute_prepared_once(connection_, sql, params) -> tuple:
    # What ``connection_.cursor()`` checks, without building a Django cursor that would go unused.
    connection_.ensure_connection()
    connection_.validate_thread_sharing()
    with connection_.wrap_database_errors:
        return _run_on_libpq(connection_.connection, sql, params)


def _run_on_libpq(conn: psycopg.Connection, sql: str, params) -> tuple:
    """Run one statement returning one row through psycopg's libpq layer: parameters dumped and the row loaded
    by psycopg's own adapters, the statement prepared once per connection and per parameter types, as a psycopg
    cursor with ``prepare=True`` would, minus the cursor's per-call Python work (a sixth of a signing request's
    CPU). Follows the connection's ``prepare_threshold``: ``None`` (``DATABASE_PREPARE_THRESHOLD=off``, behind a
    pooler) runs it unprepared.
    """
    try:
        transformer, prepared = conn._wagtail_petitions_signing
    except AttributeError:
        # Kept on the connection (so per thread, and gone with it): the transformer keeps the dumpers it looked
        # up for each type, the set the names of the statements prepared on it.
        transformer, prepared = conn._wagtail_petitions_signing = (Transformer(conn), set())
    values = transformer.dump_sequence(params, [PyFormat.AUTO] * len(params))
    types, formats = transformer.types, transformer.formats
    pgconn = conn.pgconn
    with conn.lock:
        if conn.prepare_threshold is None:
            result = pgconn.exec_params(_libpq_query(sql), values, types, formats)
        else:
            name = _statement_names.get((sql, types))
            if name is None:
                name = _statement_names.setdefault((sql, types), b"wagtail_petitions_%d" % len(_statement_names))
            if name not in prepared:
                _raise_for(pgconn.prepare(name, _libpq_query(sql), types), conn)
                prepared.add(name)
            result = pgconn.exec_prepared(name, values, formats)
            if result.error_field(DiagnosticField.SQLSTATE) == b"26000":
                # The server forgot it (DISCARD ALL, a pooler): prepare again once.
                prepared.discard(name)
                _raise_for(pgconn.prepare(name, _libpq_query(sql), types), conn)
                prepared.add(name)
                result = pgconn.exec_prepared(name, values, formats)
    _raise_for(result, conn)
    transformer.set_pgresult(result)
    return transformer.load_row(0, tuple)


# Statement names by (text, parameter types).
_statement_names: dict[tuple[str, tuple], bytes] = {}


@functools.lru_cache(maxsize=64)
def _libpq_query(sql: str) -> bytes:
    """``%s`` placeholders numbered as libpq wants them (``$1``, ``$2``, ...)."""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("The statement may hold no '%' but its %s placeholders.")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)).encode() + parts[-1].encode()


def _raise_for(result, conn) -> None:
    if result.status in (ExecStatus.TUPLES_OK, ExecStatus.COMMAND_OK):
        return
    if conn.pgconn.status == ConnStatus.BAD:
        # The connection broke (a restart, a failover): an OperationalError, as psycopg's cursors raise.
        raise psycopg.OperationalError(conn.pgconn.get_error_message(conn.info.encoding))
    raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)


def _pk(model) -> str:
    return connection.ops.quote_name(model._meta.pk.column)
