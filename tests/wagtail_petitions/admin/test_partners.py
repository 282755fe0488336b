"""Partner snippets: logo, contact and allowed origins."""


import pytest
from django.urls import reverse

from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions.models import Partner

pytestmark = pytest.mark.django_db


def test_partner_snippet_with_logo_contact_and_origins(client, superuser):
    client_for(client, superuser)
    add_url = reverse("wagtailsnippets_wagtail_petitions_partner:add")

    response = client.post(
        add_url,
        {
            "name": "Press Freedom Now",
            "slug": "pfn",
            "website": "https://pfn.example",
            "allowed_origins": "https://pfn.example\nhttps://www.pfn.example/",
            "contact_name": "Sam",
            "contact_email": "sam@pfn.example",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(slug="pfn")
    assert partner.get_allowed_origins() == ["https://pfn.example", "https://www.pfn.example"]
    assert partner.contact_name == "Sam"

    bad = client.post(add_url, {"name": "Bad", "slug": "bad", "allowed_origins": "https://bad.example/path"})
    assert bad.status_code == 200 and not Partner.objects.filter(slug="bad").exists()
    listing = client.get(reverse("wagtailsnippets_wagtail_petitions_partner:list")).content.decode()
    assert "Press Freedom Now" in listing
