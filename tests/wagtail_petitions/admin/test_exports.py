"""The one spreadsheet exporter (``NeutralisedSpreadsheetExportMixin`` on Wagtail's ``SpreadsheetExportMixin``):
formula cells neutralised, rows read lazily in chunks, every row written once. The bench measures the same one."""

import csv
import io
import re

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
    assert head.decode().startswith('"First name",')
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


# --- every cell a spreadsheet might split out, and the paper-batch export ------------------------------------------


def test_a_cell_that_a_split_would_turn_into_a_formula_is_quoted_whole(client, superuser, petition):
    # Spreadsheets in French, German or Spanish split CSV on ";" (others on tabs): a cell "x;=1+1" must not become
    # "x" and a formula. Every field is quoted, so no separator inside one splits it, whatever the reader splits on.
    sign_petition(petition, signer(1, first_name="x;=1+1", last_name="y,@SUM(A1)"))
    sign_petition(petition, signer(2, first_name="a +1", last_name="Lovelace; -2"))
    client_for(client, superuser)

    content = b"".join(client.get(INDEX, {"export": "csv"}).streaming_content).decode()

    for line in content.splitlines():
        # Split as the crudest reader would, ignoring quotes: no piece starts a formula.
        for piece in re.split(r"[;,\t]", line):
            assert not piece.lstrip(' "').startswith(("=", "+", "-", "@")), (line, piece)
    rows = list(csv.DictReader(io.StringIO(content)))
    assert {row["First name"] for row in rows} == {"x;'=1+1", "a +1"}
    assert {row["Last name"] for row in rows} == {"y,'@SUM(A1)", "Lovelace; '-2"}
    assert all(line.startswith('"') for line in content.splitlines())


def test_a_cell_with_leading_spaces_before_a_trigger_is_neutralised():
    assert neutralise_cell("  =1+1") == "'  =1+1"
    assert neutralise_cell('x; "=1+1') == "x; \"'=1+1"
    assert neutralise_cell("a\t-1,b") == "a\t'-1,b"
    assert neutralise_cell("1-2; a=b, c@d") == "1-2; a=b, c@d"


def paper_batch(petition, user, **fields):
    from wagtail_petitions.models import PaperBatch
    from wagtail_petitions.paper import record_paper_batch

    values = {"country": "FR", "signature_count": 40, "event": "Market stall", "note": ""}
    return record_paper_batch(PaperBatch(page=petition, **{**values, **fields}), user=user)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_paper_batch_export_has_every_batch_with_or_without_partner_neutralised(
    client, superuser, petition, partner, export_format
):
    import openpyxl

    paper_batch(petition, superuser, event='=HYPERLINK("http://evil")', note="ok;@SUM(A1)")
    paper_batch(petition, superuser, partner=partner, event="Fair", note="-2")
    paper_batch(petition, superuser, event="Stall", note="")
    client_for(client, superuser)

    response = client.get(reverse("paper_batches:index"), {"export": export_format})

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode())))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 4
    heading = rows[0]
    by_event = {row[heading.index("Collected at event")]: dict(zip(heading, row, strict=True)) for row in rows[1:]}
    assert set(by_event) == {'\'=HYPERLINK("http://evil")', "Fair", "Stall"}
    assert by_event["Fair"]["Partner"] == "drc"
    assert by_event["Fair"]["Note"] == "'-2"
    assert by_event['\'=HYPERLINK("http://evil")']["Note"] == "ok;'@SUM(A1)"
    assert by_event["Stall"]["Partner"] == ""
