"""The 503 answer of a failed dependency, wherever its error is raised (the API's handler, the site's handler500), and
the system checks of the outage settings. The servers are really stopped in ``test_database_down`` and
``test_redis_down``; here the errors are raised where they would surface."""

import pytest
from django.core.checks import run_checks
from django.db import OperationalError
from django.test import Client, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from wagtail_petitions.outages import failed_dependency


def database_gone(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def assert_envelope(response, retry_after="10"):
    assert response.status_code == 503
    assert response["Retry-After"] == retry_after
    assert "no-store" in response["Cache-Control"]
    assert response.json()["errors"]["non_field_errors"][0]["code"] == "service_unavailable"


def test_failed_dependency_tells_outages_from_bugs():
    assert failed_dependency(OperationalError("gone")) == "database"
    assert failed_dependency(RedisConnectionError("gone")) == "cache"
    try:
        try:
            raise RedisConnectionError("gone")
        except RedisConnectionError as error:
            raise RuntimeError("wrapped") from error
    except RuntimeError as wrapped:
        assert failed_dependency(wrapped) == "cache"
    assert failed_dependency(ValueError("a bug")) is None
    assert failed_dependency(None) is None


@pytest.mark.django_db
def test_the_api_answers_503_in_its_envelope(client, petition, monkeypatch, settings):
    from widget_api import views

    settings.WAGTAIL_PETITIONS_OUTAGE_RETRY_AFTER = 12
    monkeypatch.setattr(views, "sign_petition", database_gone)
    response = client.post(
        f"/api/v1/petitions/{petition.slug}/signatures/", {"email": "a@example.org"}, content_type="application/json"
    )
    assert_envelope(response, "12")


@pytest.mark.django_db
def test_handler500_answers_503_to_a_database_error_outside_the_api(client, petition, monkeypatch):
    from wagtail_petitions import views

    monkeypatch.setattr(views, "petition_pages", database_gone)
    url = f"/petitions/sign/{petition.pk}/"
    response = client.post(url, {"email": "a@example.org"}, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert b"nothing was recorded" in response.content and response["Content-Type"].startswith("text/html")
    assert not response.cookies
    assert_envelope(client.post(url, {"email": "a@example.org"}, HTTP_ACCEPT="*/*"))


@pytest.mark.django_db
def test_other_errors_stay_500(client, petition, monkeypatch):
    from wagtail_petitions import views

    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "petition_pages", bug)
    response = client.post(f"/petitions/sign/{petition.pk}/", {}, HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    assert "Retry-After" not in response


def outage_errors():
    return [
        m
        for m in run_checks()
        if m.id in ("wagtail_petitions.E001", "wagtail_petitions.E030", "wagtail_petitions.E031")
    ]


def test_checks_of_the_outage_settings():
    with override_settings(WAGTAIL_PETITIONS_REQUIRE_SHARED_THROTTLING="yes"):
        assert [m.id for m in outage_errors()] == ["wagtail_petitions.E030"]
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(WAGTAIL_PETITIONS_REQUIRE_SHARED_THROTTLING=True, CACHES=locmem):
        assert [m.id for m in outage_errors()] == ["wagtail_petitions.E031"]
    redis_cache = {
        "default": {
            "BACKEND": "wagtail_petitions.outages.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(WAGTAIL_PETITIONS_REQUIRE_SHARED_THROTTLING=True, CACHES=redis_cache):
        assert outage_errors() == []
    with override_settings(WAGTAIL_PETITIONS_OUTAGE_RETRY_AFTER=0, WAGTAIL_PETITIONS_CACHE_RETRY_SECONDS=-1):
        assert len(outage_errors()) == 2
