"""``libpq_statement`` (psycopg internals) against psycopg's public cursor: the same row for the same statement and
parameters, the same errors, and part of a transaction psycopg has not begun yet."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from wagtail_petitions.signing import libpq_statement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conn(db):
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's libpq layer is PostgreSQL's")
    connection.ensure_connection()
    return connection.connection


def through_cursor(conn, sql, params):
    with psycopg.Cursor(conn) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


PARAMETERS = [
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "Zoë O'Brien — ٱلسلام",
    "",
    True,
    False,
    0,
    2**40,
    -7,
    None,
    datetime(2026, 12, 3, 8, 30, 1, 123456, tzinfo=UTC),
    Decimal("12.50"),
    3.25,
]


def outcome(run, conn, sql, params):
    try:
        return run(conn, sql, params)
    except psycopg.Error as error:
        return type(error), error.sqlstate


@pytest.mark.parametrize("value", PARAMETERS, ids=repr)
@pytest.mark.parametrize("sql", ["SELECT %s", "SELECT %s, pg_typeof(%s)::text", "SELECT %s::text"])
def test_a_parameter_travels_as_through_a_cursor(conn, value, sql):
    params = [value] * sql.count("%s")
    expected = outcome(through_cursor, conn, sql, params)
    assert outcome(libpq_statement.execute_one_row, conn, sql, params) == expected


def test_a_typed_statement_returns_what_a_cursor_returns(conn):
    sql = "SELECT %s::uuid, %s::text || '!', %s::int * 2, %s::boolean, %s::timestamptz, COALESCE(%s::bigint, 0)"
    params = [uuid.uuid4(), "text", 21, True, datetime(2026, 1, 1, tzinfo=UTC), None]
    assert libpq_statement.execute_one_row(conn, sql, params) == through_cursor(conn, sql, params)


def test_errors_are_psycopgs_own(conn):
    with psycopg.Cursor(conn) as cursor:
        cursor.execute("CREATE TEMPORARY TABLE libpq_probe (n int PRIMARY KEY)")
        cursor.execute("INSERT INTO libpq_probe VALUES (1)")
    raised = []
    for run in (libpq_statement.execute_one_row, through_cursor):
        with pytest.raises(psycopg.Error) as error:
            run(conn, "INSERT INTO libpq_probe VALUES (%s) RETURNING n", [1])
        raised.append((type(error.value), error.value.sqlstate))
        with pytest.raises(psycopg.Error) as error:
            run(conn, "SELECT %s::int / 0", [1])
        raised.append((type(error.value), error.value.sqlstate))
    assert raised[:2] == raised[2:]
    assert raised[0][0] is psycopg.errors.UniqueViolation


def test_a_statement_forgotten_by_the_server_is_prepared_again(conn):
    sql = "SELECT %s::int + 1"
    assert libpq_statement.execute_one_row(conn, sql, [1]) == (2,)
    with psycopg.Cursor(conn) as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert libpq_statement.execute_one_row(conn, sql, [2]) == (3,)


def test_it_joins_a_transaction_psycopg_has_not_begun(conn):
    with psycopg.Cursor(conn) as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS libpq_tx_probe (n int)")
    conn.autocommit = False
    try:
        libpq_statement.execute_one_row(conn, "INSERT INTO libpq_tx_probe VALUES (%s) RETURNING n", [5])
        conn.rollback()
    finally:
        conn.autocommit = True
    assert through_cursor(conn, "SELECT count(*) FROM libpq_tx_probe", []) == (0,)


def test_nothing_is_hung_on_the_connection(conn):
    libpq_statement.execute_one_row(conn, "SELECT %s::int", [1])
    assert not [name for name in vars(conn) if "petition" in name]
    assert conn in libpq_statement._per_connection
