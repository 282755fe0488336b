"""PostgreSQL's signing path: one prepared statement, atomic on its own, one round trip.

The statement inserts the signature unless this signer already signed (``ON CONFLICT DO NOTHING`` on the
one-per-signer constraint), adds one to a random shard of its state's count and, if it counts, of its tally bucket,
of the petition's total rows and of the hour it was signed in (the count history), and returns the total the signer
is shown. A ``SigningClaim`` (the API's ``Idempotency-Key``) adds its guard and record to the same statement. Its
common table expressions are named by the constants below, which claims use to refer to them.

The INSERT is written from the model's ``_meta``, each value prepared as Django's compiler prepares it
(``pre_save``, then ``get_db_prep_save``); the text is composed once per shape and reused. The statement is
prepared, so PostgreSQL parses and plans it once per connection (never when ``prepare_threshold`` is ``None``, as
behind a pooler that cannot keep prepared statements); it is sent through psycopg's libpq layer
(``libpq_statement``, the one module that uses psycopg internals, pinned to psycopg's cursor by a test).
"""

from __future__ import annotations

import random
from contextlib import nullcontext

from django.db import DatabaseError, InterfaceError, models, transaction
from django.db.models.signals import post_save, pre_save

from ..conf import conf
from ..models import StateCounter, TallyCounter, TallyHistory, TallyTotal
from .libpq_statement import execute_one_row

#: The CTEs of the statement, in order. ``GUARD`` and ``RECORDED`` come from the claim, if there is one.
GUARD = "guard"
INSERTED = "inserted"
BUMPED = "bumped"
TOTALLED = "totalled"
HISTORIED = "historied"
STATED = "stated"
COUNTED = "counted"
RECORDED = "recorded"

#: The columns of the ``INSERTED`` row that count it in the tally (``BUMPED``, ``TOTALLED`` and ``HISTORIED`` read
#: them).
BUMP_SOURCE_COLUMNS = ("petition_key", "channel", "country", "partner_id", "created_at")


def can_insert_in_one_statement(signature, connection) -> bool:
    """PostgreSQL, and a plain signature model: no ``save()`` override, no parent table, no value that is an
    expression (which the statement's fixed text cannot carry)."""
    model = type(signature)
    return (
        connection.vendor == "postgresql"
        and model.save is models.Model.save
        and not model._meta.parents
        and not any(hasattr(value, "resolve_expression") for value in vars(signature).values())
    )


def insert_in_one_statement(signature, claim, connection) -> tuple[bool, int]:
    """INSERT and count ``signature`` (with the ``claim``'s guard and record) in one statement.

    Returns ``(inserted, total shown to the signer)``; ``inserted`` is false for a repeat signer. A claim's
    ``refuse`` is called (and raises) when its guard said no.
    """
    model = type(signature)
    # The signals Model.save() would send, so receivers see no difference.
    pre_save.send(sender=model, instance=signature, raw=False, using=connection.alias, update_fields=None)
    fields = _insert_fields(model)
    petition_key = _prepared(model, "petition_key", signature.petition_key, connection)
    params = []
    if claim is not None:
        guard_sql, guard_params = claim.guard_sql()
        params += guard_params
    params += [field.get_db_prep_save(field.pre_save(signature, True), connection) for field in fields]
    counted = signature.is_counted
    shard = random.randrange(conf.TALLY_SHARDS)
    if counted:
        params += [shard, shard, shard]
    params += [signature.state, shard, petition_key]
    if claim is not None:
        record_sql, record_params = claim.record_sql()
        params += record_params
    shape = (model, connection.alias, counted) + ((guard_sql, record_sql) if claim is not None else ())
    sql = _statements.get(shape)
    if sql is None:
        sql = _statements[shape] = _compose(model, connection, fields, counted, *shape[3:])
    # Inside a caller's transaction a failed statement (a claim's record racing another) must not break it.
    with transaction.atomic(using=connection.alias) if connection.in_atomic_block else nullcontext():
        pk, total, *guard = run(connection, sql, params)
    if claim is not None:
        if not guard[0]:
            claim.refuse(tuple(guard))
        claim.recorded = True
    if pk is None:
        return False, int(total)
    signature.pk = pk
    signature._state.adding = False
    signature._state.db = connection.alias
    post_save.send(
        sender=model, instance=signature, created=True, update_fields=None, raw=False, using=connection.alias
    )
    return True, int(total)


def run(connection, sql: str, params: list) -> tuple:
    """Run ``sql`` on ``connection`` (Django's, for the default database) as a prepared statement and return its
    one row; errors are raised as ``django.db`` errors.

    Django's per-request health check (``CONN_HEALTH_CHECKS``) would cost a ``SELECT 1`` round trip before the
    statement: a fifth of a signing request (``make bench``). It is replaced by a retry: the statement is atomic
    on its own, so if the kept connection turns out to be dead it is reopened and the statement sent again. If the
    first attempt did commit before the connection broke, the retry finds the same signer (a repeat) or the same
    key (a replay): nothing is counted twice. Inside a caller's transaction there is no retry (the transaction is
    gone with the connection).
    """
    retry = not connection.in_atomic_block and connection.connection is not None
    try:
        return _run_once(connection, sql, params)
    except (DatabaseError, InterfaceError):
        if not retry or connection.is_usable():
            raise
        connection.close()
        return _run_once(connection, sql, params)


def _run_once(connection, sql: str, params: list) -> tuple:
    # What ``connection.cursor()`` checks, minus the health check (see ``run``).
    connection.ensure_connection()
    connection.validate_thread_sharing()
    # Django's own cursors bind parameters on the client, which cannot prepare; the statement is prepared on the
    # server, through psycopg's libpq layer (``libpq_statement``: measured cheaper than a psycopg cursor).
    with connection.wrap_database_errors:
        return execute_one_row(connection.connection, sql, params)


# Statement texts by shape (model, database alias, counted, and the claim's SQL).
_statements: dict[tuple, str] = {}


def _insert_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]


def _prepared(model, name, value, connection):
    return model._meta.get_field(name).get_db_prep_value(value, connection)


def _compose(model, connection, fields, counted, guard_sql=None, record_sql=None) -> str:
    quote = connection.ops.quote_name
    opts = model._meta
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # INSERT ... SELECT resolves untyped parameters against the target columns, as VALUES does.
    rows = f"SELECT {placeholders} FROM {GUARD} WHERE {GUARD}.proceed" if guard_sql else f"VALUES ({placeholders})"
    # Only the one-signature-per-signer constraint means "a repeat"; any other conflict must raise.
    signer = ", ".join(quote(opts.get_field(name).column) for name in ("petition_key", "email_normalized"))
    returning = ", ".join(
        [quote(opts.pk.column)]
        + [f"{quote(opts.get_field(name.removesuffix('_id')).column)} AS {name}" for name in BUMP_SOURCE_COLUMNS]
    )
    ctes = [f"{GUARD} AS ({guard_sql})"] if guard_sql else []
    ctes.append(
        f"{INSERTED} AS (INSERT INTO {quote(opts.db_table)} ({columns}) {rows} "
        f"ON CONFLICT ({signer}) DO NOTHING RETURNING {returning})"
    )
    added = "0"
    if counted:
        bucket = f"SELECT petition_key, channel, country, COALESCE(partner_id, 0), %s, 1, created_at FROM {INSERTED}"
        ctes.append(f"{BUMPED} AS ({TallyCounter.objects.upsert_sql(bucket)} RETURNING 1)")
        total_rows = f"SELECT petition_key, %s, 1 FROM {INSERTED}"
        ctes.append(f"{TOTALLED} AS ({TallyTotal.objects.upsert_sql(total_rows)} RETURNING 1)")
        # The hour it was signed in, in UTC (``tally.history_hour``), whatever the session's time zone.
        hour_rows = f"SELECT petition_key, date_trunc('hour', created_at, 'UTC'), channel, %s, 1 FROM {INSERTED}"
        ctes.append(f"{HISTORIED} AS ({TallyHistory.objects.upsert_sql(hour_rows)} RETURNING 1)")
        added = f"(SELECT COUNT(*) FROM {BUMPED})"
    states = f"SELECT petition_key, %s, %s, 1 FROM {INSERTED}"
    ctes.append(f"{STATED} AS ({StateCounter.objects.upsert_sql(states)} RETURNING 1)")
    # The total rows as committed when the statement started, plus this signature: what the signer is shown.
    ctes.append(f"{COUNTED} AS (SELECT {TallyTotal.objects.total_sql()} + {added} AS total)")
    if record_sql:
        ctes.append(f"{RECORDED} AS ({record_sql})")
    sql = f"WITH {', '.join(ctes)} SELECT (SELECT {quote(opts.pk.column)} FROM {INSERTED}), {COUNTED}.total"
    return sql + (f", {GUARD}.* FROM {COUNTED}, {GUARD}" if guard_sql else f" FROM {COUNTED}")
