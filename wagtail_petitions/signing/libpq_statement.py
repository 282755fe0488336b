"""The signing statement through psycopg's libpq layer: the one place this project uses psycopg internals.

Why: ``make bench`` measured psycopg's public way (``cursor.execute(sql, params, prepare=True)`` on a new
``psycopg.Cursor``) at about 40 µs more Python work per signature than sending the same prepared statement through
psycopg's ``Transformer`` and ``pgconn.exec_prepared`` (the cursor's per-call bookkeeping: result sets, row makers,
the prepared-statement cache's generator machinery). Parameters are dumped and the row loaded by psycopg's own
adapters, so values travel exactly as through a cursor; ``tests/wagtail_petitions/signing/test_libpq_statement.py``
pins this module to the cursor's result (same rows, same errors). Checked against psycopg 3.2 and 3.3
(``README.md``, "Framework internals").

Nothing is hung on psycopg's connection object: what is kept per connection (the transformer, which caches the
dumper of each type, and the names prepared on it) lives in a ``WeakKeyDictionary`` and goes with the connection.
"""

from __future__ import annotations

import functools
import weakref

import psycopg
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer

#: What PostgreSQL answers when a prepared statement's name is unknown (``DISCARD ALL``, a pooler's reset).
UNDEFINED_PREPARED_STATEMENT = b"26000"

# Per psycopg connection: (transformer, names of the statements prepared on it).
_per_connection: weakref.WeakKeyDictionary[psycopg.Connection, tuple[Transformer, set[bytes]]] = (
    weakref.WeakKeyDictionary()
)
# Statement names by (text, parameter types): the same name on every connection.
_statement_names: dict[tuple[str, tuple], bytes] = {}


def execute_one_row(conn: psycopg.Connection, sql: str, params: list) -> tuple:
    """Run ``sql`` (``%s`` placeholders) with ``params`` on ``conn`` and return its one row, as
    ``psycopg.Cursor(conn).execute(sql, params, prepare=True).fetchone()`` would: prepared once per connection and
    parameter types (again if the server forgot it), unprepared when the connection's ``prepare_threshold`` is
    ``None`` (``DATABASE_PREPARE_THRESHOLD=off``, behind a pooler). Raises psycopg's own errors."""
    if not conn.autocommit and conn.pgconn.transaction_status == pq.TransactionStatus.IDLE:
        # A transaction that psycopg has not begun yet (it sends BEGIN before a cursor's first query): let a cursor
        # begin it, so the statement is part of it.
        with psycopg.Cursor(conn) as cursor:
            cursor.execute(sql, params, prepare=None if conn.prepare_threshold is None else True)
            return cursor.fetchone()
    kept = _per_connection.get(conn)
    if kept is None:
        kept = _per_connection[conn] = (Transformer(conn), set())
    transformer, prepared = kept
    values = transformer.dump_sequence(params, [PyFormat.AUTO] * len(params))
    types, formats = transformer.types, transformer.formats
    pgconn = conn.pgconn
    with conn.lock:
        if conn.prepare_threshold is None:
            result = pgconn.exec_params(_numbered(sql), values, types, formats)
        else:
            name = _statement_names.get((sql, types))
            if name is None:
                name = _statement_names.setdefault((sql, types), b"wagtail_petitions_%d" % len(_statement_names))
            if name not in prepared:
                _raise_for(pgconn.prepare(name, _numbered(sql), types), conn)
                prepared.add(name)
            result = pgconn.exec_prepared(name, values, formats)
            if result.error_field(pq.DiagnosticField.SQLSTATE) == UNDEFINED_PREPARED_STATEMENT:
                prepared.discard(name)
                _raise_for(pgconn.prepare(name, _numbered(sql), types), conn)
                prepared.add(name)
                result = pgconn.exec_prepared(name, values, formats)
    _raise_for(result, conn)
    transformer.set_pgresult(result)
    return transformer.load_row(0, tuple)


@functools.lru_cache(maxsize=64)
def _numbered(sql: str) -> bytes:
    """``%s`` placeholders numbered as libpq wants them (``$1``, ``$2``, ...)."""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("The statement may hold no '%' but its %s placeholders.")
    return ("".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]).encode()


def _raise_for(result, conn: psycopg.Connection) -> None:
    if result.status in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
        return
    if conn.pgconn.status == pq.ConnStatus.BAD:
        # The connection broke (a restart, a failover): an OperationalError, as psycopg's cursors raise.
        raise psycopg.OperationalError(conn.pgconn.get_error_message(conn.info.encoding))
    raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)
