"""``GET /api/v1/partner/petitions/``: the partner's petitions, its own count beside the total, by country and day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from wagtail_petitions.models import PaperBatch, PartnerAccessRecord
from wagtail_petitions.models.partner_tokens import STATS_READ
from wagtail_petitions.paper import record_paper_batch

pytestmark = pytest.mark.django_db

URL = reverse("widget_api:partner-petition-list")


def test_own_counts_beside_the_total(make_petition, partner, other_partner, issue_token, partner_client, sign):
    petition = make_petition()
    make_petition(slug="not-ours", title="Not ours")  # drc has no part in it
    sign(petition, 1, partner="drc", country="FR")
    sign(petition, 2, partner="drc", country="DE", consent_partner=True)
    sign(petition, 3, partner="other", country="FR")
    sign(petition, 4, country="FR")
    record_paper_batch(
        PaperBatch(
            page=petition, country="BE", signature_count=40, partner=partner, collected_on=datetime.date(2026, 1, 5)
        ),
        user=None,
    )
    record_paper_batch(PaperBatch(page=petition, country="FR", signature_count=7), user=None)

    response = partner_client(issue_token(partner, STATS_READ)).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["partner"] == {"slug": "drc", "name": partner.name}
    [data] = body["petitions"]
    assert data["slug"] == petition.slug
    assert (data["signature_count"], data["signature_count_online"], data["signature_count_paper"]) == (51, 4, 47)
    assert data["partner"] == {"signature_count": 42, "online": 2, "paper": 40}
    by_country = {row["country"]: row for row in data["by_country"]}
    assert set(by_country) == {"BE", "FR", "DE"}
    assert by_country["BE"] == {
        "country": "BE",
        "partner_online": 0,
        "partner_paper": 40,
        "partner_total": 40,
        "total": 40,
    }
    assert by_country["FR"]["partner_online"] == 1 and by_country["FR"]["total"] == 10
    today = timezone.now().date().isoformat()
    by_day = {row["date"]: row for row in data["by_day"]}
    assert by_day[today] == {
        "date": today,
        "partner_online": 2,
        "partner_paper": 0,
        "total_online": 4,
        "total_paper": 7,  # the batch collected today by no partner
    }
    assert by_day["2026-01-05"]["partner_paper"] == 40
    # Counts only: nothing personal, and nothing recorded as a read of personal data.
    assert "ada" not in response.content.decode()
    assert not PartnerAccessRecord.objects.exists()


def test_the_other_partner_sees_its_own_figures_only(
    make_petition, partner, other_partner, issue_token, partner_client, sign
):
    petition = make_petition()
    sign(petition, 1, partner="drc")
    sign(petition, 2, partner="other")
    body = partner_client(issue_token(other_partner, STATS_READ)).get(URL).json()
    [data] = body["petitions"]
    assert data["partner"]["signature_count"] == 1 and data["signature_count"] == 2
    # A partner with no part in any petition gets an empty list.
    from wagtail_petitions.models import Partner

    lonely = Partner.objects.create(name="Lonely", slug="lonely")
    assert partner_client(issue_token(lonely, STATS_READ)).get(URL).json()["petitions"] == []
