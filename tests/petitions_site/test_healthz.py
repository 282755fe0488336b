"""``/healthz`` for load balancers."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_broken_cache_is_503(client):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["cache"].startswith("error")


@pytest.mark.django_db
def test_broken_database_is_503(client, monkeypatch):
    from petitions_site import health

    def fail():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_check_database", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "error: OSError", "cache": "ok"}
