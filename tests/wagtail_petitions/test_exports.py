"""The streaming CSV export: formula cells neutralised, rows read in chunks, every row written once."""

import csv
import io

from tests.conftest import signer
from wagtail_petitions.exports import SIGNATURE_COLUMNS, neutralise_cell, stream_csv
from wagtail_petitions.models import Signature
from wagtail_petitions.signing import sign_petition


def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    for dangerous in ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil")']:
        assert neutralise_cell(dangerous) == "'" + dangerous
    for safe in ["Ada", "a=b", "", "1-2", "ada@example.org"]:
        assert neutralise_cell(safe) == safe
    assert neutralise_cell(None) == ""
    assert neutralise_cell(True) == "yes"
    assert neutralise_cell(-5) == "'-5"


def test_stream_has_headings_and_every_row_neutralised(petition, partner):
    sign_petition(petition, signer(1, first_name="=cmd|' /C calc'!A0", partner="drc"))
    sign_petition(petition, signer(2, last_name="@evil", country="de"))
    sign_petition(petition, signer(3, first_name="Zoë", last_name="Ünal"))
    text = "".join(stream_csv(Signature.objects.order_by("pk")))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [heading for heading, _ in SIGNATURE_COLUMNS]
    assert len(rows) == 4
    by_email = {row[3]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_email["ada1@example.org"]["First name"] == "'=cmd|' /C calc'!A0"
    assert by_email["ada1@example.org"]["Partner"] == "drc"
    assert by_email["ada2@example.org"]["Last name"] == "'@evil"
    assert by_email["ada2@example.org"]["Country"] == "DE"
    assert by_email["ada3@example.org"]["First name"] == "Zoë"
    assert by_email["ada3@example.org"]["Agreed to updates"] == "no"


def test_stream_is_lazy_and_chunked(petition, django_assert_num_queries):
    for n in range(25):
        sign_petition(petition, signer(n))
    chunks = stream_csv(Signature.objects.order_by("pk"), chunk_size=10, rows_per_chunk=7, bom=False)
    with django_assert_num_queries(0):
        head = next(chunks)  # the headings come before any row is read
    assert head.startswith("Signed at,")
    rest = list(chunks)
    assert [chunk.count("\n") for chunk in rest] == [7, 7, 7, 4]
    emails = [line.split(",")[3] for line in "".join(rest).splitlines()]
    assert emails == [f"ada{n}@example.org" for n in range(25)]


def test_callable_columns(petition):
    sign_petition(petition, signer(1))
    columns = [("Email", "email"), ("Shout", lambda s: s.first_name.upper()), ("Page", "page__title")]
    lines = "".join(stream_csv(Signature.objects.all(), columns, bom=False)).splitlines()
    assert lines == ["Email,Shout,Page", "ada1@example.org,ADA1,Stop spyware"]
