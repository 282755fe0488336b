"""Malformed addresses in the embed's query parameters are answered like any unknown address, never with a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from wagtail_petitions.models import normalize_origin

pytestmark = pytest.mark.django_db

MALFORMED = ["http://[::1/stop-spyware/", "https://[zz]/stop-spyware/", "http://[::1]:99999/", "http://host:port/"]


@pytest.mark.parametrize("url", MALFORMED)
def test_oembed_of_a_malformed_url_is_a_404(petition, url):
    response = Client(raise_request_exception=False).get("/oembed", {"url": url})
    assert response.status_code == 404
    assert response.json() == {"error": "No petition page has this address."}


@pytest.mark.parametrize("parent", ["http://[::1", "https://[zz]", "http://[::1]:99999", "https://example.org:x"])
def test_the_widget_ignores_a_malformed_parent(petition, parent):
    response = Client(raise_request_exception=False).get("/embed/v1/petitions/stop-spyware/", {"parent": parent})
    assert response.status_code == 200
    assert parent not in response.content.decode()


@pytest.mark.parametrize("origin", ["http://[::1", "https://[zz]", "http://[::1]:99999"])
def test_a_malformed_partner_origin_is_a_validation_error(origin):
    with pytest.raises(ValidationError):
        normalize_origin(origin)


def test_a_well_formed_ipv6_origin_is_kept():
    assert normalize_origin("http://[::1]:8001") == "http://[::1]:8001"
