"""``GET /api/v1/partner/signatures/``: only this partner's consenting, counted signers, however the parameters are
set; stable cursors; JSON and a streamed, neutralised CSV; every read recorded."""

import csv
import io
import itertools

import pytest
from django.urls import reverse

from wagtail_petitions.models import PartnerAccessRecord
from wagtail_petitions.models.partner_tokens import SIGNERS_READ
from wagtail_petitions.moderation import confirm_by_email, invalidate_signature
from widget_api.partner import views

pytestmark = pytest.mark.django_db

URL = reverse("widget_api:partner-signature-list")


@pytest.fixture
def world(make_petition, partner, other_partner, sign, superuser_like):
    """Two petitions and signatures of every kind; ``visible``: what ``partner`` (drc) may receive."""
    a = make_petition(slug="stop-spyware")
    b = make_petition(slug="free-press", title="Free press", confirmation_required=True)
    visible = {
        sign(a, 1, partner="drc", consent_partner=True).email,
        sign(a, 2, partner="drc", consent_partner=True, first_name='=HYPERLINK("http://evil")').email,
    }
    sign(a, 3, partner="drc", consent_partner=False)  # no consent for the partner
    sign(a, 4, partner="other", consent_partner=True)  # another partner's
    sign(a, 5, consent_partner=True)  # no partner at all
    invalidate_signature(sign(a, 6, partner="drc", consent_partner=True), user=superuser_like, reason="spam")
    sign(b, 7, partner="drc", consent_partner=True)  # pending confirmation
    confirmed = sign(b, 8, partner="drc", consent_partner=True)
    assert confirm_by_email(confirmed)
    sign(b, 9, partner="other", consent_partner=True)
    other_only = make_petition(slug="other-only", title="Other only")
    sign(other_only, 10, partner="other", consent_partner=True)
    return {"a": a, "b": b, "other_only": other_only, "visible_a": visible, "visible_b": {confirmed.email}}


@pytest.fixture
def superuser_like(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")


def close_as_the_server_does(response):
    """Close a response the way a WSGI server does when the client disconnects (as Django's test client does, without
    closing the test's database connection)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def emails(response):
    if response["Content-Type"].startswith("text/csv"):
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        return {row["email"] for row in rows}
    return {row["email"] for row in response.json()["results"]}


def test_only_consenting_counted_signers_of_this_partner(world, partner, issue_token, partner_client):
    client = partner_client(issue_token(partner, SIGNERS_READ))
    a = client.get(URL, {"petition": "stop-spyware"})
    assert a.status_code == 200
    assert emails(a) == world["visible_a"]
    body = a.json()
    assert body["petition"] == "stop-spyware" and body["next"] is None
    row = next(r for r in body["results"] if r["email"] == "ada1@example.org")
    assert set(row) == {
        "id",
        "first_name",
        "last_name",
        "email",
        "country",
        "postal_code",
        "language",
        "source",
        "signed_at",
        "confirmed_at",
        "consent_text_version",
    }
    stored = world["a"].get_signatures().get(email="ada1@example.org")
    assert row["consent_text_version"] == stored.consent_text_version and len(stored.consent_text_version) == 16
    assert row["id"] == str(stored.pk)
    assert row["country"] == "FR" and row["confirmed_at"] is None
    # Pending confirmation is not given; once confirmed, it is.
    b = client.get(URL, {"petition": "free-press"}).json()["results"]
    assert {r["email"] for r in b} == world["visible_b"] and b[0]["confirmed_at"]
    assert "Set-Cookie" not in a and "no-store" in a["Cache-Control"]


def test_the_other_partner_sees_only_its_own(world, other_partner, issue_token, partner_client):
    client = partner_client(issue_token(other_partner, SIGNERS_READ))
    assert emails(client.get(URL, {"petition": "stop-spyware"})) == {"ada4@example.org"}
    assert emails(client.get(URL, {"petition": "free-press"})) == set()  # its signer there has not confirmed
    assert emails(client.get(URL, {"petition": "other-only"})) == {"ada10@example.org"}


ADVERSARIAL = [
    {"partner": "other"},
    {"partner_id": "2"},
    {"state": "pending"},
    {"state__in": "pending,held,quarantined,invalidated"},
    {"consent_partner": "false"},
    {"consent": "0"},
    {"email": "ada4@example.org"},
    {"search": "ada"},
    {"ordering": "-email"},
    {"since": "1970-01-01"},
    {"since": "1970-01-01T00:00:00Z", "limit": "1000"},
    {"lang": "fr"},
    {"fields": "*"},
]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_no_parameter_widens_what_a_token_reveals(world, partner, issue_token, partner_client, fmt):
    client = partner_client(issue_token(partner, SIGNERS_READ))
    allowed = world["visible_a"] | world["visible_b"]
    for extra, petition in itertools.product(ADVERSARIAL, ["stop-spyware", "free-press"]):
        response = client.get(URL, {"petition": petition, "format": fmt, **extra})
        assert response.status_code == 200, (extra, response.content[:300])
        assert emails(response) <= allowed, extra
    # Another partner's petition (drc has no part in it), unknown and malformed slugs: 404, nothing else.
    for slug in ["other-only", "nope", "../stop-spyware", "stop-spyware/../other-only"]:
        assert client.get(URL, {"petition": slug, "format": fmt}).status_code == 404, slug


def test_bad_parameters_are_4xx_with_a_code_per_field(world, partner, issue_token, partner_client):
    client = partner_client(issue_token(partner, SIGNERS_READ))

    def error(params, field):
        response = client.get(URL, params)
        assert response.status_code == 400, (params, response.content)
        return response.json()["errors"][field][0]["code"]

    assert error({}, "petition") == "required"
    for since in ["yesterday", "2026-13-45T00:00:00Z", "2026-02-30", "2026-01-01T25:00"]:
        assert error({"petition": "stop-spyware", "since": since}, "since") == "invalid"
    for since in ["", "2026-01-01T10:00:00+24:00"]:
        assert error({"petition": "stop-spyware", "since": since}, "since") == "invalid"
    for limit in ["0", "-1", "1000001", "abc", "1e9", "", "+5", " 5", "9" * 5000]:
        assert error({"petition": "stop-spyware", "limit": limit}, "limit") == "invalid"
    for cursor in ["x", "eyJhZnRlciI6MH0", "1:2:3"]:
        assert error({"petition": "stop-spyware", "cursor": cursor}, "cursor") == "invalid"
    assert error({"petition": "stop-spyware", "format": "xlsx"}, "format") == "invalid_choice"
    assert error({"petition": ""}, "petition") == "required"
    # A NUL (PostgreSQL refuses it in a query; schemathesis found it answering 500) names no petition.
    assert client.get(URL, {"petition": "stop-spyware\x00"}).status_code == 404


def test_a_json_page_holds_at_most_its_own_maximum(world, partner, issue_token, partner_client, monkeypatch):
    """One ``limit`` for CSV and JSON (the schema cannot tie its maximum to the format): above JSON's maximum, a JSON
    page is cut at it, with ``next`` for the rest."""
    client = partner_client(issue_token(partner, SIGNERS_READ))
    for limit in ["1001", str(views.CSV_MAX_PAGE_SIZE)]:
        response = client.get(URL, {"petition": "stop-spyware", "limit": limit})
        assert response.status_code == 200, limit
    monkeypatch.setattr(views, "JSON_MAX_PAGE_SIZE", 1)
    page = client.get(URL, {"petition": "stop-spyware", "limit": "50"}).json()
    assert len(page["results"]) == 1 and page["next"]


@pytest.mark.parametrize(
    ("since", "found"),
    [
        # Offsets past PostgreSQL's 15:59, and moments off the calendar once in UTC: read, never a 500.
        ("2000-01-01T00:00:00+23:59", True),
        ("0001-01-01T00:00:00+01:00", True),
        ("9999-12-31T23:59:59-23:59", False),
    ],
)
def test_since_takes_every_offset_iso_8601_has(world, partner, issue_token, partner_client, since, found):
    client = partner_client(issue_token(partner, SIGNERS_READ))
    response = client.get(URL, {"petition": "stop-spyware", "since": since})
    assert response.status_code == 200, response.content
    assert bool(response.json()["results"]) is found


def test_a_cursor_works_for_its_own_petition_only(make_petition, partner, issue_token, partner_client, sign):
    a = make_petition(slug="stop-spyware")
    b = make_petition(slug="free-press", title="Free press")
    for n in range(3):
        sign(a, n, partner="drc", consent_partner=True)
        sign(b, n, partner="drc", consent_partner=True)
    client = partner_client(issue_token(partner, SIGNERS_READ))
    next_url = client.get(URL, {"petition": "stop-spyware", "limit": 1}).json()["next"]
    from urllib.parse import parse_qs, urlsplit

    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]
    response = client.get(URL, {"petition": "free-press", "cursor": cursor})
    assert response.status_code == 400 and response.json()["errors"]["cursor"][0]["code"] == "invalid"


def test_cursor_pages_are_stable_while_people_keep_signing(petition, partner, issue_token, partner_client, sign):
    for n in range(25):
        sign(petition, n, partner="drc", consent_partner=True)
    client = partner_client(issue_token(partner, SIGNERS_READ))
    seen = []
    response = client.get(URL, {"petition": petition.slug, "limit": 10})
    pages = 0
    while True:
        body = response.json()
        seen += [row["email"] for row in body["results"]]
        pages += 1
        if pages == 2:
            for n in range(100, 105):  # new signers arrive between two pages
                sign(petition, n, partner="drc", consent_partner=True)
        if not body["next"]:
            break
        response = client.get(body["next"])
    assert pages == 3
    assert len(seen) == len(set(seen)) == 30
    ids = [int(e.removeprefix("ada").split("@")[0]) for e in seen]
    assert ids == [*range(25), *range(100, 105)]


def test_since_includes_late_confirmations(make_petition, partner, issue_token, partner_client, sign):
    from datetime import timedelta

    from django.utils import timezone

    petition = make_petition(confirmation_required=True)
    early = sign(petition, 1, partner="drc", consent_partner=True)
    type(early).objects.filter(pk=early.pk).update(created_at=timezone.now() - timedelta(days=3))
    early.refresh_from_db()
    cutoff = timezone.now() - timedelta(days=1)
    client = partner_client(issue_token(partner, SIGNERS_READ))
    assert emails(client.get(URL, {"petition": petition.slug, "since": cutoff.isoformat()})) == set()
    confirm_by_email(early)
    assert emails(client.get(URL, {"petition": petition.slug, "since": cutoff.isoformat()})) == {early.email}
    assert emails(client.get(URL, {"petition": petition.slug, "since": timezone.now().isoformat()})) == set()


def test_csv_is_streamed_neutralised_and_paged_by_a_link_header(petition, partner, issue_token, partner_client, sign):
    sign(petition, 1, partner="drc", consent_partner=True, first_name="=cmd|' /C calc'!A0", last_name="@SUM(A1)")
    for n in range(2, 6):
        sign(petition, n, partner="drc", consent_partner=True)
    client = partner_client(issue_token(partner, SIGNERS_READ))
    response = client.get(URL, {"petition": petition.slug, "format": "csv", "limit": 3})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "id",
        "first_name",
        "last_name",
        "email",
        "country",
        "postal_code",
        "language",
        "source",
        "signed_at",
        "confirmed_at",
        "consent_text_version",
    ]
    assert len(rows) == 4
    assert rows[1][1:3] == ["'=cmd|' /C calc'!A0", "'@SUM(A1)"]
    assert all(len(row[10]) == 16 for row in rows[1:])
    link = response["Link"]
    assert link.endswith('>; rel="next"')
    rest = client.get(link[1 : link.index(">")])
    rest_rows = list(csv.reader(io.StringIO(b"".join(rest.streaming_content).decode())))
    assert [r[3] for r in rest_rows[1:]] == ["ada4@example.org", "ada5@example.org"]
    assert "Link" not in rest
    # Accept: text/csv works as well as ?format=csv.
    accept = client.get(URL, {"petition": petition.slug}, HTTP_ACCEPT="text/csv")
    assert accept["Content-Type"].startswith("text/csv")
    b"".join(accept.streaming_content)


def test_every_read_of_signers_is_recorded_with_its_rows(petition, partner, issue_token, partner_client, sign):
    for n in range(5):
        sign(petition, n, partner="drc", consent_partner=True)
    client = partner_client(issue_token(partner, SIGNERS_READ, name="CRM sync"))
    client.get(URL, {"petition": petition.slug, "limit": 2})
    response = client.get(URL, {"petition": petition.slug, "format": "csv"})
    assert PartnerAccessRecord.objects.count() == 1  # the CSV is recorded once streamed
    b"".join(response.streaming_content)  # the test client closes the response at the end
    json_record, csv_record = PartnerAccessRecord.objects.order_by("pk")
    assert (json_record.format, json_record.rows, json_record.token_name) == ("json", 2, "CRM sync")
    assert (csv_record.format, csv_record.rows) == ("csv", 5)
    assert json_record.partner == partner and json_record.petition_key == petition.get_tally_key()
    assert json_record.petition_title == petition.title
    assert "ada" not in json_record.parameters + csv_record.parameters
    # Refused reads read nothing and record nothing.
    client.get(URL, {"petition": "nope"})
    assert PartnerAccessRecord.objects.count() == 2


def test_a_csv_read_stopped_halfway_records_what_was_sent(petition, partner, issue_token, sign):
    from rest_framework.test import APIRequestFactory

    from widget_api.partner.views import PartnerSignatureListView

    for n in range(5):
        sign(petition, n, partner="drc", consent_partner=True)
    raw = issue_token(partner, SIGNERS_READ)
    # The view itself, as a WSGI server runs it (Django's test client wraps streamed responses in its own closer).
    request = APIRequestFactory().get(
        URL, {"petition": petition.slug, "format": "csv"}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    response = PartnerSignatureListView.as_view()(request)
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks), next(chunks)  # the heading and two rows
    assert not PartnerAccessRecord.objects.exists()
    close_as_the_server_does(response)  # the client went away
    assert PartnerAccessRecord.objects.get().rows == 2
