"""Idempotency-Key on signing: replay, reuse with another body, in flight, validation, pruning."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from tests.conftest import as_sent_by_a_form, signer
from wagtail_petitions.models import Signature
from widget_api import idempotency
from widget_api.models import IdempotencyKey


def sign(api_client, data, key=None, slug="stop-spyware"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api_client.post(
        f"/api/v1/petitions/{slug}/signatures/", as_sent_by_a_form(data, slug), format="json", **headers
    )


def test_retry_with_same_key_and_body_replays_first_answer_and_counts_once(api_client, petition):
    first = sign(api_client, signer(1), key="0b7c6a52-5ab4-4c1e-9d55-1f0d3e0c2a11")
    assert first.status_code == 201
    assert first.json()["signature_count"] == 1
    sign(api_client, signer(2))  # someone else signs in between: the replay must not show the newer count
    retry = sign(api_client, signer(1), key="0b7c6a52-5ab4-4c1e-9d55-1f0d3e0c2a11")
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Signature.objects.count() == 2
    assert petition.get_tally(fresh=True).total == 2
    assert IdempotencyKey.objects.count() == 1


def test_same_key_with_another_body_is_422(api_client, petition):
    assert sign(api_client, signer(1), key="key-for-one-signer").status_code == 201
    response = sign(api_client, signer(2), key="key-for-one-signer")
    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "non_field_errors": [
                {
                    "code": "idempotency_key_reused",
                    "message": response.json()["errors"]["non_field_errors"][0]["message"],
                }
            ]
        }
    }
    assert Signature.objects.count() == 1


def test_same_key_on_another_petition_is_422(api_client, make_petition):
    make_petition()
    make_petition(slug="second-petition", title="Second")
    assert sign(api_client, signer(1), key="key-for-one-signer").status_code == 201
    assert sign(api_client, signer(1), key="key-for-one-signer", slug="second-petition").status_code == 422


def test_invalid_answer_is_replayed_and_nothing_is_saved(api_client, petition):
    bad = signer(1, email="not-an-email")
    first = sign(api_client, bad, key="key-invalid-body")
    assert first.status_code == 400
    assert first.json()["errors"]["email"][0]["code"] == "invalid"
    again = sign(api_client, bad, key="key-invalid-body")
    assert (again.status_code, again.json()) == (400, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Signature.objects.count() == 0
    assert petition.get_tally(fresh=True).total == 0


@pytest.mark.parametrize("key", ["short", "x" * 129, "has space in it", "ключ-ключ-ключ", "semi;colon;key"])
def test_malformed_key_is_400_with_the_error_envelope(api_client, petition, key):
    response = sign(api_client, signer(1), key=key)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["idempotency_key"]
    assert errors["idempotency_key"][0]["code"] == "invalid"
    assert errors["idempotency_key"][0]["message"]
    assert Signature.objects.count() == 0


def test_repeat_signer_with_a_new_key_gets_the_same_answer_and_is_counted_once(api_client, petition):
    first = sign(api_client, signer(1), key="first-key-0001")
    repeat = sign(api_client, signer(1, email="  ADA1@Example.ORG "), key="second-key-0002")
    assert first.status_code == repeat.status_code == 201
    assert repeat.json() == first.json()
    assert petition.get_tally(fresh=True).total == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_key_still_in_flight_is_409(api_client, petition):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so a retry waits for the first request instead")
    key = "in-flight-key-0001"
    holding, release = threading.Event(), threading.Event()

    def first_request_in_progress():
        # Another app process working on the same key holds its lock until its transaction ends.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [idempotency.lock_id(key)])
                holding.set()
                release.wait(10)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    thread = threading.Thread(target=first_request_in_progress)
    thread.start()
    try:
        assert holding.wait(10)
        response = sign(api_client, signer(1), key=key)
        assert response.status_code == 409
        assert response.json()["errors"]["non_field_errors"][0]["code"] == "idempotency_key_in_flight"
        assert Signature.objects.count() == 0
    finally:
        release.set()
        thread.join()
    assert sign(api_client, signer(1), key=key).status_code == 201


def test_prune_deletes_only_old_keys(api_client, petition):
    sign(api_client, signer(1), key="old-key-00001")
    sign(api_client, signer(2), key="new-key-00002")
    IdempotencyKey.objects.filter(key="old-key-00001").update(created_at=timezone.now() - timedelta(days=2))
    call_command("prune_idempotency_keys")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new-key-00002"]
    # A pruned key is free again: the signer is a repeat, so nothing is counted twice.
    assert sign(api_client, signer(1), key="old-key-00001").status_code == 201
    assert petition.get_tally(fresh=True).total == 2


def test_prune_task_for_the_background_worker(api_client, petition):
    sign(api_client, signer(1), key="old-key-00001")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=2))
    result = idempotency.prune_idempotency_keys_task.enqueue(older_than_seconds=3600)
    assert result.return_value == 1
    assert not IdempotencyKey.objects.exists()


def test_stored_answer_is_what_the_model_reads_back_and_a_second_store_conflicts(db):
    """Answers are stored with a plain INSERT (hot path); it must store what ``objects.create()`` would."""
    from django.db import IntegrityError, transaction

    body = {"status": "signed", "signature_count": 7, "goal": 10, "thank_you_text": "Merci, ça compte « beaucoup »"}
    idempotency._store_answer("stored-answer-key", "f" * 64, 201, body)

    stored = IdempotencyKey.objects.get(key="stored-answer-key")
    assert (stored.fingerprint, stored.status_code, stored.response_body) == ("f" * 64, 201, body)
    assert abs(timezone.now() - stored.created_at) < timedelta(minutes=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        idempotency._store_answer("stored-answer-key", "e" * 64, 400, {})
    assert IdempotencyKey.objects.get(key="stored-answer-key").status_code == 201
