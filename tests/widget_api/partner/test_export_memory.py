"""A partner's CSV of 100,000 signers streams in bounded memory: rows are read in chunks and written as they come,
never held all at once. Measured with ``tracemalloc`` (what Python allocates while the whole file is produced), so
the figure does not depend on the machine's speed or on what the test process did before."""

import itertools
import tracemalloc

import pytest
from django.urls import reverse

from wagtail_petitions.choices import SignatureState
from wagtail_petitions.models import PartnerAccessRecord
from wagtail_petitions.models.partner_tokens import SIGNERS_READ

pytestmark = pytest.mark.django_db

ROWS = 100_000
#: Peak Python allocations while streaming the whole file. Holding the 100,000 rows as model instances takes
#: several hundred MB (and the file itself is ~15 MB); a chunked stream needs a few MB.
MEMORY_LIMIT_BYTES = 32 * 1024 * 1024


def insert_signatures(petition, partner, n, batch=5000):
    model = petition.get_signature_model()
    key, version = petition.get_tally_key(), petition.get_consent_text_version()
    numbers = iter(range(n))
    while chunk := list(itertools.islice(numbers, batch)):
        model.objects.bulk_create(
            model(
                petition_key=key,
                page_id=petition.pk,
                first_name=f"=Signer{i}" if i % 1000 == 0 else f"Signer{i}",
                last_name="Lovelace",
                email=f"signer{i}@example.org",
                email_normalized=f"signer{i}@example.org",
                country="FR",
                partner=partner,
                consent_partner=True,
                consent_text_version=version,
                state=SignatureState.COUNTED,
            )
            for i in chunk
        )


def test_100k_partner_signers_stream_under_the_memory_limit(petition, partner, issue_token, partner_client):
    insert_signatures(petition, partner, ROWS)
    client = partner_client(issue_token(partner, SIGNERS_READ))

    tracemalloc.start()
    try:
        response = client.get(
            reverse("widget_api:partner-signature-list"), {"petition": petition.slug, "format": "csv"}
        )
        assert response.status_code == 200 and response.streaming
        lines = size = neutralised = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            size += len(chunk)
            neutralised += chunk.count(b"\"'=Signer")  # every field quoted (QUOTE_ALL)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert lines == ROWS + 1  # the heading and every row, once
    assert neutralised == ROWS // 1000
    assert size > 5_000_000
    assert peak < MEMORY_LIMIT_BYTES, f"peak {peak / 1e6:.1f} MB while streaming {size / 1e6:.1f} MB"
    assert "Link" not in response  # the default CSV page holds 100,000 rows
    assert PartnerAccessRecord.objects.get().rows == ROWS
    print(f"\n{ROWS:,} rows, {size / 1e6:.1f} MB of CSV, peak Python allocations {peak / 1e6:.1f} MB")
