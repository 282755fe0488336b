"""PostgreSQL's one-statement signing path: prepared once per connection, and a dead kept connection is reopened
instead of checked before every request (``signing._execute_prepared``)."""

import pytest
from django.db import connection, connections

from tests.conftest import signer
from wagtail_petitions.models import Signature
from wagtail_petitions.signing import sign_petition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")


def prepared_statement_count():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%inserted AS (INSERT%%'")
        return cursor.fetchone()[0]


def test_signing_statement_is_prepared_once_and_reused(petition):
    sign_petition(petition, signer(1))
    assert prepared_statement_count() == 1
    for n in range(2, 6):
        sign_petition(petition, signer(n, partner="", country="DE" if n % 2 else "FR"))
    # Other countries, a repeat, another signer: the same prepared statement serves them all.
    sign_petition(petition, signer(1))
    assert prepared_statement_count() == 1
    assert petition.get_tally(fresh=True).total == 5


def test_a_dead_kept_connection_is_reopened_and_the_signature_counted_once(petition):
    sign_petition(petition, signer(1))
    backend_pid = connection.connection.info.backend_pid
    # What a database restart or a failover does to a kept connection.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        other.close()
    connection.health_check_done = False  # as at the start of a request

    result = sign_petition(petition, signer(2))

    assert result.created is True
    assert result.signature_count == 2
    assert connection.connection.info.backend_pid != backend_pid
    assert Signature.objects.count() == 2
    assert petition.get_tally(fresh=True).total == 2
