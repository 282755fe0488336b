"""The counter badge (``badge.svg``: the tally in the requested language, no script, cacheable, any origin) and
oEmbed ``rich`` for a petition's figures page."""

import re

import pytest

from tests.conftest import signer
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

BADGE = "/api/v1/petitions/stop-spyware/badge.svg"


@pytest.fixture(autouse=True)
def _no_caches(settings):
    settings.WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS = 0
    settings.WAGTAIL_PETITIONS_FIGURES_CACHE_SECONDS = 0


def test_badge_says_the_tally_in_the_requested_language(client, petition):
    for n in range(3):
        sign_petition(petition, signer(n))
    response = client.get(BADGE, HTTP_ORIGIN="https://newsroom.example")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<title>3 signatures</title>" in svg
    assert "<script" not in svg and not re.search(r"(?:href|src)=", svg)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=" in response["Cache-Control"]
    assert client.get(BADGE, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert "<title>3 signatures</title>" in client.get(BADGE, {"lang": "fr"}).content.decode()
    assert "<title>3 Unterschriften</title>" in client.get(BADGE, {"lang": "de"}).content.decode()
    sign_petition(petition, signer(9))
    assert "<title>4 signatures</title>" in client.get(BADGE).content.decode()
    assert client.get("/api/v1/petitions/nope/badge.svg").status_code == 404


def test_badge_in_arabic_is_right_to_left(client, petition):
    svg = client.get(BADGE, {"lang": "ar"}).content.decode()
    assert 'direction="rtl"' in svg and 'lang="ar"' in svg


def test_oembed_for_the_figures_page_is_a_rich_iframe_of_it(client, petition):
    url = "http://testserver/stop-spyware/figures/"
    response = client.get("/oembed", {"url": url, "format": "json"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "rich"
    assert 'src="http://testserver/stop-spyware/figures/"' in data["html"]
    assert "<iframe" in data["html"] and "<script" not in data["html"]
    # The page may be framed (it has no form, sets no cookie).
    page = client.get("/stop-spyware/figures/")
    assert "X-Frame-Options" not in page
    # The petition page itself still gets the signing widget.
    assert "/embed/" in client.get("/oembed", {"url": "http://testserver/stop-spyware/"}).json()["html"]
