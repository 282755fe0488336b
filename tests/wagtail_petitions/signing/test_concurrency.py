"""Concurrent signing never loses or doubles a signature: 200 signatures from 20 threads, a quarter of them
repeats typed in another letter case, must count exactly the distinct signers — in the page, the API and the
database."""

import random
import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from tests.conftest import as_sent_by_a_form, signer
from wagtail_petitions import recount
from wagtail_petitions.models import Signature, TallyCounter

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
DISTINCT = 150
REPEATS = 50


def test_concurrent_signatures_with_repeats_count_exactly_once(petition):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be written from several threads; run on PostgreSQL")
    rng = random.Random(7)
    payloads = [signer(n) for n in range(DISTINCT)]
    # Repeats: the same people again, their address typed in another letter case (and with spaces).
    payloads += [signer(n, email=f"  ADA{n}@EXAMPLE.ORG") for n in rng.sample(range(DISTINCT), REPEATS)]
    rng.shuffle(payloads)
    url = f"/api/v1/petitions/{petition.slug}/signatures/"
    statuses, counts, failures = [], [], []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(batch):
        client = Client()
        start.wait()
        try:
            for payload in batch:
                # Each person on their own connection, through the form (its token).
                address = f"198.51.100.{int(payload['first_name'].removeprefix('Ada')) % 250}"
                data = as_sent_by_a_form(payload, petition.slug)
                response = client.post(url, data, content_type="application/json", REMOTE_ADDR=address)
                with lock:
                    statuses.append(response.status_code)
                    counts.append(response.json().get("signature_count"))
        except Exception as error:  # reported below: a thread must not die silently
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(payloads[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert statuses == [201] * (DISTINCT + REPEATS)
    assert max(counts) <= DISTINCT
    key = petition.get_tally_key()
    assert Signature.objects.filter(petition_key=key).count() == DISTINCT
    assert TallyCounter.objects.read(key).total == DISTINCT
    assert recount.recount(key) == []

    cache.clear()  # cached reads may lag by design; what they read must be exact
    api = Client().get(f"/api/v1/petitions/{petition.slug}/count/").json()
    assert api["signature_count"] == DISTINCT
    page = Client().get(petition.url).content.decode()
    assert re.search(r"<strong data-count>([\d,.\s\u202f\xa0]+)</strong>", page).group(1).strip() == str(DISTINCT)
