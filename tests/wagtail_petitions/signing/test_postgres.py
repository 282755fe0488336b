"""PostgreSQL's one-statement signing path (``wagtail_petitions.signing.postgres``): prepared once per connection
(again if the server forgets it, never with ``DATABASE_PREPARE_THRESHOLD=off``), and a dead kept connection is
reopened by a retry (no per-request health check round trip), the signature counted once."""

import pytest
from django.core.signals import request_started
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
    sign_petition(petition, signer(1, partner=""))
    prepared = prepared_statement_count()
    assert prepared >= 1  # one per parameter types (e.g. with or without a partner), as psycopg does
    for n in range(2, 6):
        sign_petition(petition, signer(n, partner="", country="DE" if n % 2 else "FR"))
    # Other countries, a repeat, another signer: the same prepared statement serves them all.
    sign_petition(petition, signer(1, partner=""))
    assert prepared_statement_count() == prepared
    assert petition.get_tally(fresh=True).total == 5


def test_a_statement_the_server_forgot_is_prepared_again(petition):
    sign_petition(petition, signer(1))
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what DISCARD ALL or a pooler's reset does
    assert sign_petition(petition, signer(2)).signature_count == 2
    assert prepared_statement_count() >= 1


def test_unprepared_when_the_threshold_is_off(petition):
    connection.close()  # a new session: no statement prepared by earlier tests
    connection.ensure_connection()
    connection.connection.prepare_threshold = None  # DATABASE_PREPARE_THRESHOLD=off
    try:
        assert sign_petition(petition, signer(1)).signature_count == 1
        assert sign_petition(petition, signer(1)).created is False
        assert prepared_statement_count() == 0
    finally:
        connection.close()
    assert petition.get_tally(fresh=True).total == 1


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
    request_started.send(sender=None)  # a new request: Django checks its kept connection before the first query

    result = sign_petition(petition, signer(2))

    assert result.created is True
    assert result.signature_count == 2
    assert connection.connection.info.backend_pid != backend_pid
    assert Signature.objects.count() == 2
    assert petition.get_tally(fresh=True).total == 2


def test_the_statement_stores_what_save_would_store(petition, partner):
    """A differential test of the one-statement INSERT, written from the model's ``_meta``: the row it stores has
    the same value in every column as the row ``Model.save()`` stores from the same instance."""
    from django.utils import timezone

    from wagtail_petitions.models import Signature
    from wagtail_petitions.signing import postgres

    signed_at = timezone.now()

    def unsaved(email):
        return Signature(
            petition_key=petition.translation_key,
            page_id=petition.pk,
            first_name="Zoë",
            last_name="O'Brien",
            email=email,
            email_normalized=email.lower(),
            country="FR",
            postal_code="75011",
            consent_updates=True,
            consent_partner=True,
            consent_text_version="v1",
            partner=partner,
            source="newsletter",
            language="fr",
            created_at=signed_at,
        )

    through_statement, through_save = unsaved("One@Example.org"), unsaved("Two@Example.org")
    assert postgres.insert_in_one_statement(through_statement, None, connection) == (True, 1)
    through_save.save()
    columns = [
        f.attname for f in Signature._meta.concrete_fields if f.attname not in ("id", "email", "email_normalized")
    ]
    one, two = (Signature.objects.filter(pk=s.pk).values(*columns).get() for s in (through_statement, through_save))
    assert one == two
