"""Concurrent signing on PostgreSQL: no signature lost, none counted twice."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tests.conftest import signer
from wagtail_petitions.models import Signature, TallyCounter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


def test_200_concurrent_signatures_with_repeats_count_exactly_the_distinct_signers(petition, client):
    from rest_framework.test import APIClient

    distinct = 150
    payloads = [signer(n) for n in range(distinct)]
    # A quarter of the requests are repeats of earlier signers, typed with other letter case and spaces.
    payloads += [signer(n, email=f"  ADA{n}@Example.ORG ") for n in range(0, distinct, 3)]
    assert len(payloads) == 200
    start = threading.Barrier(20)

    def sign(payload):
        try:
            start.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        try:
            return (
                APIClient().post(f"/api/v1/petitions/{petition.slug}/signatures/", payload, format="json").status_code
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(sign, payloads))

    assert statuses == [201] * 200
    assert Signature.objects.filter(petition_key=petition.translation_key).count() == distinct
    assert sum(TallyCounter.objects.values_list("count", flat=True)) == distinct
    assert petition.get_tally(fresh=True).total == distinct
    api = client.get(f"/api/v1/petitions/{petition.slug}/count/?fresh").json()["signature_count"]
    page = client.get(petition.url).content.decode()
    assert api == distinct
    assert f"<strong data-count>{distinct}</strong>" in page
