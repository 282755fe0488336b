"""Open data: ``stats/`` and ``history/`` agree with the tally after online, paper, pending and invalidated
signatures; JSON and CSV (parsed with ``csv``); CORS ``*`` without credentials; cacheable with ``ETag``/304; the
same number of queries whatever the number of signatures, none on the signature table."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import signer
from wagtail_petitions import moderation
from wagtail_petitions.models import PaperBatch, Partner, Signature
from wagtail_petitions.paper import record_paper_batch
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

STATS = "/api/v1/petitions/stop-spyware/stats/"
HISTORY = "/api/v1/petitions/stop-spyware/history/"


@pytest.fixture(autouse=True)
def _no_caches(settings):
    settings.WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS = 0
    settings.WAGTAIL_PETITIONS_FIGURES_CACHE_SECONDS = 0


@pytest.fixture
def story(petition, partner, superuser):
    """Online (France, Germany; some through partners, one listed), paper, pending and invalidated signatures."""
    Partner.objects.filter(pk=partner.pk).update(listed=True)
    shy = Partner.objects.create(name="Quiet Org", slug="quiet", allowed_origins="https://quiet.example")
    for n in range(5):
        sign_petition(petition, signer(n, country="FR", partner="drc" if n < 2 else ""))
    sign_petition(petition, signer(10, country="DE", partner="quiet"))
    wrong = sign_petition(petition, signer(11, country="DE")).signature
    moderation.invalidate_signature(wrong, user=superuser, reason="a test entry")
    sign_petition(petition, signer(12, country="DE"), state="pending")
    record_paper_batch(
        PaperBatch(page=petition, country="SN", signature_count=40, collected_on=datetime.date(2026, 11, 2)),
        user=superuser,
    )
    record_paper_batch(
        PaperBatch(
            page=petition, country="FR", signature_count=3, partner=shy, collected_on=datetime.date(2026, 11, 2)
        ),
        user=superuser,
    )
    return petition


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")


def test_stats_agree_with_the_tally_and_the_state_counts(client, story):
    response = client.get(STATS)
    assert response.status_code == 200
    data = response.json()
    tally = story.get_tally(fresh=True)
    assert data["totals"] == {
        "total": tally.total,
        "online": tally.online,
        "paper": tally.paper,
        "confirmed": 6,
        "pending": 1,
        "invalidated": 1,
        "quarantined": 0,
        "expired": 0,
    }
    assert (tally.total, tally.online, tally.paper) == (49, 6, 43)
    assert [(c["country"], c["online"], c["paper"], c["total"]) for c in data["by_country"]] == [
        ("SN", 0, 40, 40),
        ("FR", 5, 3, 8),
        ("DE", 1, 0, 1),
    ]
    assert data["by_country"][1]["name"] == "France" and data["by_country"][1]["share"] == 16.3
    # Only the listed partner is named; the other is summed under "other".
    assert [(p["partner"], p["name"], p["online"], p["paper"]) for p in data["by_partner"]] == [
        ("other", "Other partners", 1, 3),
        ("drc", "Digital Rights Collective", 2, 0),
    ]
    assert "quiet" not in response.content.decode() and "Quiet Org" not in response.content.decode()
    assert data["by_day"][0] == {"day": "2026-11-02", "online": 0, "paper": 43, "total": 43, "cumulative": 43}
    assert data["by_day"][-1]["cumulative"] == tally.total
    assert data["milestones"] == [{"count": story.goal, "reached_on": None}]
    assert data["status"] == "open" and data["delivery"] is None
    assert data["figures_url"] == "http://testserver/stop-spyware/figures/"


def test_stats_as_csv_parse_with_python_csv(client, story):
    response = client.get(STATS, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="stop-spyware-stats.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == ["dimension", "key", "name", "online", "paper", "total"]
    assert rows[0] == {"dimension": "total", "key": "all", "name": "", "online": "6", "paper": "43", "total": "49"}
    by = {(row["dimension"], row["key"]): row for row in rows}
    assert by[("country", "FR")]["total"] == "8" and by[("country", "FR")]["name"] == "France"
    assert by[("state", "invalidated")]["total"] == "1"
    assert by[("partner", "drc")]["online"] == "2"
    assert sum(int(row["total"]) for row in rows if row["dimension"] == "day") == 49


def test_history_is_cumulative_by_day_and_hour_as_json_and_csv(client, story):
    days = client.get(HISTORY).json()
    assert days["interval"] == "day"
    assert days["points"][0]["start"] == "2026-11-02T00:00:00Z"
    assert days["points"][0]["cumulative_paper"] == 43
    assert days["points"][-1]["cumulative"] == 49 and days["points"][-1]["cumulative_online"] == 6
    hours = client.get(HISTORY, {"interval": "hour"}).json()
    assert hours["points"][-1]["cumulative"] == 49
    table = list(csv.reader(io.StringIO(client.get(HISTORY, {"interval": "hour", "format": "csv"}).content.decode())))
    assert table[0] == ["start", "online", "paper", "total", "cumulative_online", "cumulative_paper", "cumulative"]
    assert table[-1][-1] == "49"
    bad = client.get(HISTORY, {"interval": "week"})
    assert bad.status_code == 400
    assert "interval" in bad.json()["errors"] if "errors" in bad.json() else "interval" in bad.json()


def test_open_data_is_open_to_any_origin_cacheable_and_revalidated(client, story):
    response = client.get(STATS, HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "max-age=" in response["Cache-Control"] and "stale-while-revalidate=" in response["Cache-Control"]
    assert not response.cookies
    etag = response["ETag"]
    assert client.get(STATS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A partner's origin gets the same "*", not its own origin echoed.
    partner = client.get(HISTORY, HTTP_ORIGIN="https://partner.example")
    assert partner["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(STATS, HTTP_ORIGIN="https://newsroom.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight["Access-Control-Allow-Origin"] in ("*", "https://newsroom.example")
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
    # A new signature changes the ETag.
    sign_petition(story, signer(99, country="IT"))
    assert client.get(STATS, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_stats_cost_does_not_grow_with_signatures_and_never_reads_signatures(client, petition):
    def queries_for_reads():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(STATS).status_code == 200
            assert client.get(HISTORY, {"interval": "hour"}).status_code == 200
        assert not [q for q in queries.captured_queries if Signature._meta.db_table in q["sql"]]
        return len(queries.captured_queries)

    sign_petition(petition, signer(0))
    queries_for_reads()  # the petition lookup is cached from now on
    few = queries_for_reads()
    for n in range(1, 40):
        sign_petition(petition, signer(n, country=["FR", "DE", "IT"][n % 3]))
    assert queries_for_reads() == few


def test_milestones_reached_carry_the_day_they_were_reached(client, petition, superuser):
    petition.goal = 40
    petition.save_revision().publish()
    record_paper_batch(
        PaperBatch(page=petition, country="SN", signature_count=45, collected_on=datetime.date(2026, 11, 2)),
        user=superuser,
    )
    sign_petition(petition, signer(1))
    milestones = client.get(STATS).json()["milestones"]
    assert milestones == [{"count": 40, "reached_on": "2026-11-02"}, {"count": 60, "reached_on": None}]


def test_a_delivered_petition_has_its_delivery_record(client, petition):
    petition.status = "delivered"
    petition.delivered_on = datetime.date(2026, 10, 14)
    petition.delivery_text = "Handed to the UN rapporteur in Geneva."
    petition.save_revision().publish()
    data = client.get(STATS).json()
    assert data["status"] == "delivered"
    assert data["delivery"] == {
        "delivered_on": "2026-10-14",
        "to": petition.target,
        "text": "Handed to the UN rapporteur in Geneva.",
    }


def test_the_schema_documents_stats_and_history(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/petitions/{slug}/stats/" in schema["paths"]
    assert "/api/v1/petitions/{slug}/history/" in schema["paths"]


def test_a_crowd_reading_stats_is_served_from_the_response_cache(client, petition, settings, django_assert_num_queries):
    settings.WAGTAIL_PETITIONS_FIGURES_CACHE_SECONDS = 30
    sign_petition(petition, signer(1))
    first = client.get(STATS)
    assert first.status_code == 200
    client.get(STATS, {"format": "csv"})
    with django_assert_num_queries(0):
        again = client.get(STATS)
        csv_again = client.get(STATS, {"format": "csv"})
    assert again["X-Cache"] == "hit" and again.content == first.content
    assert again["Access-Control-Allow-Origin"] == "*"
    assert csv_again["Content-Type"].startswith("text/csv")
