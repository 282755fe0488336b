"""Count and page responses a refreshing crowd can be served without the database, and CDN-friendly headers."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.conftest import signer
from wagtail_petitions.models import PetitionStatus

COUNT_URL = "/api/v1/petitions/stop-spyware/count/"


def test_count_response_is_cdn_friendly_and_revalidates(api_client, petition):
    response = api_client.get(COUNT_URL)
    assert response.status_code == 200
    assert response.json()["signature_count"] == 0
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=5", "stale-while-revalidate=30", "stale-if-error=86400"} <= cache_control
    assert response["ETag"].startswith('"')
    assert not response.cookies
    again = api_client.get(COUNT_URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    assert "max-age=5" in again["Cache-Control"]
    assert not again.content


def test_count_has_last_modified_once_signed_and_answers_if_modified_since(api_client, petition):
    api_client.post("/api/v1/petitions/stop-spyware/signatures/", signer(1), format="json")
    response = api_client.get(COUNT_URL)
    assert response.json()["signature_count"] == 1
    assert response["Last-Modified"].endswith("GMT")
    assert api_client.get(COUNT_URL, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_refreshing_crowd_does_not_reach_the_database(api_client, petition, django_assert_num_queries):
    first = api_client.get(COUNT_URL)
    with django_assert_num_queries(0):
        for _ in range(5):
            response = api_client.get(COUNT_URL)
            assert response.status_code == 200
            assert response.json() == first.json()
            assert response["X-Cache"] == "hit"


def test_process_memory_layer_serves_without_the_shared_cache(api_client, petition, monkeypatch):
    from django.core.cache import cache

    with override_settings(WAGTAIL_PETITIONS_RESPONSE_LOCAL_CACHE_SECONDS=30):
        first = api_client.get(COUNT_URL)
        assert first.status_code == 200
        assert api_client.get(COUNT_URL)["X-Cache"] == "hit"
        calls = []
        monkeypatch.setattr(cache, "get", lambda *args, **kwargs: calls.append(args))
        assert api_client.get(COUNT_URL).json() == first.json()
        assert calls == [], "a hit in process memory must not ask the shared cache"


def test_sign_response_includes_own_signature_even_when_count_is_cached(api_client, petition):
    assert api_client.get(COUNT_URL).json()["signature_count"] == 0  # now cached
    for n in range(1, 4):
        response = api_client.post("/api/v1/petitions/stop-spyware/signatures/", signer(n), format="json")
        assert response.status_code == 201
        assert response.json()["signature_count"] == n


def test_petition_page_is_cached_for_anonymous_readers_and_invalidated_on_publish(client, petition):
    first = client.get(petition.url)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert not first.cookies
    assert "public" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        second = client.get(petition.url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries) == 0
    assert client.get(petition.url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304

    petition.title = "Stop spyware now"
    petition.save_revision().publish()
    after = client.get(petition.url)
    assert after["X-Cache"] == "miss"
    assert b"Stop spyware now" in after.content


def test_page_cache_is_invalidated_when_the_petition_closes_or_is_unpublished(client, petition):
    assert b"Sign the petition" in client.get(petition.url).content
    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()
    assert b"Sign the petition" not in client.get(petition.url).content
    petition.unpublish()
    assert client.get(petition.url).status_code == 404


def test_cached_entries_are_never_served_to_a_host_that_is_not_allowed(client, petition, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert client.get(petition.url)["X-Cache"] == "miss"
    assert client.get(petition.url)["X-Cache"] == "hit"
    assert client.get(petition.url, HTTP_HOST="evil.example").status_code == 400
    assert client.get(COUNT_URL).status_code == 200
    assert client.get(COUNT_URL)["X-Cache"] == "hit"
    assert client.get(COUNT_URL, HTTP_HOST="evil.example").status_code == 400


def test_page_with_query_or_session_is_not_served_from_cache(client, petition, admin_user):
    client.get(petition.url)
    assert "X-Cache" not in client.get(petition.url + "?signed=1")
    client.force_login(admin_user)
    response = client.get(petition.url)
    assert "X-Cache" not in response


def test_page_fills_in_live_count_with_a_static_script(client, petition):
    html = client.get(petition.url).content.decode()
    assert 'src="/static/wagtail_petitions/count.js"' in html
    assert "data-count-url=" in html


@pytest.mark.parametrize("path", ["/api/v1/petitions/", "/api/v1/petitions/stop-spyware/"])
def test_other_api_reads_are_not_cached_by_the_response_cache(api_client, petition, path):
    assert "X-Cache" not in api_client.get(path)


def test_detail_has_signatures_by_partner(api_client, petition, partner):
    api_client.post(
        "/api/v1/petitions/stop-spyware/signatures/",
        signer(1, partner="drc", origin="https://partner.example"),
        format="json",
    )
    api_client.post("/api/v1/petitions/stop-spyware/signatures/", signer(2), format="json")
    from django.core.cache import cache

    cache.clear()
    data = api_client.get("/api/v1/petitions/stop-spyware/").json()
    assert data["signatures_by_partner"] == [{"partner": "drc", "count": 1}]
    assert data["signatures_by_country"] == [{"country": "FR", "count": 2}]


def test_the_cache_keys_on_the_scheme_and_the_validated_host(client, petition, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    assert client.get(petition.url)["X-Cache"] == "miss"
    assert client.get(petition.url)["X-Cache"] == "hit"
    # Another scheme is another entry: a page rendered for http (its links, its canonical URL) is not served on https.
    assert client.get(petition.url, secure=True)["X-Cache"] == "miss"
    assert client.get(petition.url, secure=True)["X-Cache"] == "hit"
    # Without USE_X_FORWARDED_HOST, X-Forwarded-Host is not the host: it neither splits nor poisons the cache.
    assert client.get(petition.url, HTTP_X_FORWARDED_HOST="evil.example")["X-Cache"] == "hit"
    assert client.get(petition.url, HTTP_HOST="other.example")["X-Cache"] == "miss"
    settings.USE_X_FORWARDED_HOST = True
    assert client.get(petition.url, HTTP_X_FORWARDED_HOST="evil.example").status_code == 400
    assert client.get(petition.url, HTTP_X_FORWARDED_HOST="other.example")["X-Cache"] == "hit"
