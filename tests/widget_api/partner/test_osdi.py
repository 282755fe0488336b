"""The OSDI shapes: ``osdi:petitions`` and ``osdi:signatures`` in HAL+JSON, with the same filtering as the partner
API and the same access records."""

import pytest
from django.urls import reverse

from wagtail_petitions.models import PartnerAccessRecord
from wagtail_petitions.models.partner_tokens import SIGNERS_READ, STATS_READ

pytestmark = pytest.mark.django_db


def test_entry_point_and_petitions_collection(make_petition, partner, issue_token, partner_client, sign):
    petition = make_petition(target="UN member states")
    make_petition(slug="not-ours", title="Not ours")
    sign(petition, 1, partner="drc")
    sign(petition, 2)
    client = partner_client(issue_token(partner, STATS_READ))

    aep = client.get(reverse("widget_api:partner-osdi-aep"))
    assert aep["Content-Type"].startswith("application/hal+json")
    petitions_url = aep.json()["_links"]["osdi:petitions"]["href"]
    body = client.get(petitions_url).json()
    [resource] = body["_embedded"]["osdi:petitions"]
    assert body["total_records"] == 1 and body["_links"]["osdi:petitions"] == [resource["_links"]["self"]]
    assert resource["identifiers"] == [f"wagtail_petitions:{petition.get_tally_key()}"]
    assert resource["title"] == petition.title and resource["total_signatures"] == 2
    assert resource["wagtail_petitions:partner_signatures"] == 1
    assert resource["target"] == [{"name": "UN member states"}]
    assert resource["browser_url"].endswith(petition.url)
    one = client.get(resource["_links"]["self"]["href"]).json()
    assert one["identifiers"] == resource["identifiers"]
    assert client.get(reverse("widget_api:partner-osdi-petition", args=["not-ours"])).status_code == 404
    # Plain JSON for clients that ask for it.
    assert client.get(petitions_url, HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"


def test_signatures_collection_embeds_people_and_pages_by_cursor(
    make_petition, partner, other_partner, issue_token, partner_client, sign
):
    petition = make_petition()
    for n in range(3):
        sign(petition, n, partner="drc", consent_partner=True, postal_code="75001", source="newsletter")
    sign(petition, 10, partner="drc", consent_partner=False)
    sign(petition, 11, partner="other", consent_partner=True)
    client = partner_client(issue_token(partner, SIGNERS_READ))
    url = reverse("widget_api:partner-osdi-signatures", args=[petition.slug])

    first = client.get(url, {"limit": 2}).json()
    assert first["per_page"] == 2
    second = client.get(first["_links"]["next"]["href"]).json()
    assert "next" not in second["_links"]
    resources = first["_embedded"]["osdi:signatures"] + second["_embedded"]["osdi:signatures"]
    people = [r["_embedded"]["osdi:person"] for r in resources]
    assert [p["email_addresses"] for p in people] == [
        [{"address": f"ada{n}@example.org", "primary": True}] for n in range(3)
    ]
    assert people[0]["given_name"] == "Ada0" and people[0]["family_name"] == "Lovelace"
    assert people[0]["postal_addresses"] == [{"postal_code": "75001", "country": "FR", "primary": True}]
    assert resources[0]["referrer_data"] == {"source": "newsletter", "referrer": "drc"}
    assert len(resources[0]["wagtail_petitions:consent_text_version"]) == 16
    assert resources[0]["_links"]["osdi:petition"]["href"].endswith(f"/osdi/petitions/{petition.slug}/")
    assert [r.rows for r in PartnerAccessRecord.objects.order_by("pk")] == [2, 1]
    assert PartnerAccessRecord.objects.first().format == "osdi"
    # The scope is needed here too.
    stats = partner_client(issue_token(partner, STATS_READ))
    assert stats.get(url).status_code == 403


def test_the_schema_documents_the_partner_api(db, api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in [
        "/api/v1/partner/petitions/",
        "/api/v1/partner/signatures/",
        "/api/v1/partner/osdi/petitions/",
        "/api/v1/partner/osdi/petitions/{slug}/signatures/",
    ]:
        assert path in schema["paths"], path
        assert schema["paths"][path]["get"]["security"] == [{"partnerToken": []}]
    assert schema["components"]["securitySchemes"]["partnerToken"]["scheme"] == "bearer"
    parameters = {p["name"] for p in schema["paths"]["/api/v1/partner/signatures/"]["get"]["parameters"]}
    assert {"petition", "since", "cursor", "limit", "format"} <= parameters
