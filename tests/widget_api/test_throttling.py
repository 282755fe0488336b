"""The signing throttle: a fixed window per client, keyed by a hash of the IP, shared by every app process."""

import os

import pytest
from django.core.cache import caches
from widget_api.throttling import PrivateScopedRateThrottle

from tests.conftest import signer
from wagtail_petitions.models import Signature

URL = "/api/v1/petitions/stop-spyware/signatures/"


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(PrivateScopedRateThrottle, "THROTTLE_RATES", {"sign": "3/minute"})
    caches["default"].clear()


def test_a_client_over_the_limit_gets_429_and_nothing_is_saved(api_client, petition, three_per_minute):
    for n in range(3):
        assert api_client.post(URL, signer(n), format="json", REMOTE_ADDR="203.0.113.7").status_code == 201
    refused = api_client.post(URL, signer(9), format="json", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert refused.json()["errors"]["non_field_errors"][0]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert not Signature.objects.filter(email="ada9@example.org").exists()
    # Another client is counted on its own.
    assert api_client.post(URL, signer(10), format="json", REMOTE_ADDR="198.51.100.4").status_code == 201


def test_the_cache_never_holds_the_raw_ip(api_client, petition, three_per_minute):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL to list the keys")
    api_client.post(URL, signer(1), format="json", REMOTE_ADDR="203.0.113.7")
    from django_redis import get_redis_connection

    keys = [key.decode() for key in get_redis_connection().keys("*throttle*")]
    assert keys
    assert not [key for key in keys if "203.0.113.7" in key]


def test_throttle_survives_a_dropped_redis_connection(api_client, petition, three_per_minute):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    assert api_client.post(URL, signer(1), format="json", REMOTE_ADDR="203.0.113.7").status_code == 201
    import redis
    from django_redis import get_redis_connection

    # The throttle's pooled connection (the one this thread uses), closed by the server as a Redis restart would.
    client_id = get_redis_connection().client_id()
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).client_kill_filter(_id=client_id) == 1
    assert api_client.post(URL, signer(2), format="json", REMOTE_ADDR="203.0.113.7").status_code == 201
    assert api_client.post(URL, signer(3), format="json", REMOTE_ADDR="203.0.113.7").status_code == 201
    assert api_client.post(URL, signer(4), format="json", REMOTE_ADDR="203.0.113.7").status_code == 429
