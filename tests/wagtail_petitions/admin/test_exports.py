"""The one spreadsheet exporter (``NeutralisedSpreadsheetExportMixin`` on Wagtail's ``SpreadsheetExportMixin``):
formula cells neutralised, rows read lazily in chunks, every row written once. The bench measures the same one."""

import csv
import io

import pytest
from django.urls import reverse

from tests.conftest import signer
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions.admin.exports import neutralise_cell
from wagtail_petitions.admin.signatures import SignatureIndexView
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

INDEX = reverse("signatures:index")


def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    for dangerous in ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil")']:
        assert neutralise_cell(dangerous) == "'" + dangerous
    for safe in ["Ada", "a=b", "", "1-2", "ada@example.org"]:
        assert neutralise_cell(safe) == safe
    # Numbers, booleans and empty cells are written as such: no spreadsheet runs them.
    assert neutralise_cell(None) is None
    assert neutralise_cell(True) is True
    assert neutralise_cell(-5) == -5


def test_export_has_headings_and_every_row_neutralised(client, superuser, petition, partner):
    sign_petition(petition, signer(1, first_name="=cmd|' /C calc'!A0", partner="drc"))
    sign_petition(petition, signer(2, last_name="@evil", country="de"))
    sign_petition(petition, signer(3, first_name="Zoë", last_name="Ünal"))
    client_for(client, superuser)

    response = client.get(INDEX, {"export": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["First name", "Last name", "Email", "Country"]
    assert len(rows) == 4
    by_email = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_email["ada1@example.org"]["First name"] == "'=cmd|' /C calc'!A0"
    assert by_email["ada1@example.org"]["Partner"] == "drc"
    assert by_email["ada2@example.org"]["Last name"] == "'@evil"
    assert by_email["ada2@example.org"]["Country"] == "DE"
    assert by_email["ada3@example.org"]["First name"] == "Zoë"
    assert by_email["ada3@example.org"]["Agreed to updates"] == "False"


def test_export_is_lazy_and_reads_rows_in_chunks(client, superuser, petition, monkeypatch, django_assert_num_queries):
    for n in range(25):
        sign_petition(petition, signer(n))
    monkeypatch.setattr(SignatureIndexView, "export_chunk_size", 10)
    client_for(client, superuser)

    response = client.get(INDEX, {"export": "csv", "ordering": "created_at"})
    chunks = iter(response.streaming_content)
    with django_assert_num_queries(0):
        head = next(chunks)  # the headings come before any row is read
    assert head.decode().startswith("First name,")
    emails = [row[2] for row in csv.reader(io.StringIO(b"".join(chunks).decode()))]
    assert sorted(emails) == sorted(f"ada{n}@example.org" for n in range(25))


def test_no_row_is_read_before_the_first_one_is_streamed(client, superuser, petition):
    """Wagtail's listing context counts an unpaginated listing with ``len()``: an export must not build it, or a
    million signatures are loaded into memory before the first byte is sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        sign_petition(petition, signer(n))
    client_for(client, superuser)
    table = petition.get_signature_model()._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        response = client.get(INDEX, {"export": "csv"})
    assert not [q["sql"] for q in queries if f'"{table}"."email"' in q["sql"]]
    assert b"".join(response.streaming_content).count(b"ada") == 3
