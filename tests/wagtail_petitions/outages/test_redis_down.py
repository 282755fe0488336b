"""Redis stopped under real app servers: every public page, count, widget and form keeps working (caches and throttles
fall back to each process, said once in the log, nothing personal in it), or, with ``REQUIRE_SHARED_THROTTLING``,
signing answers 503 with ``Retry-After`` while the rest keeps working. Never a 500."""

import json
import re
import time

import pytest

from tests.services import django_env, django_script, manage

from .conftest import http
from .test_database_down import SLUG, TOKEN_SCRIPT, assert_unavailable, sign, sign_with_form, tally

pytestmark = pytest.mark.xdist_group("faults")

FALLBACK_LINE = "Redis cannot be reached"
BACK_LINE = "Redis answers again"


@pytest.fixture
def start_server(fault_database, fresh_redis, app_servers):
    def start(**extra_env):
        url, name, page_id = fault_database
        env = django_env(url, fresh_redis.url(), TRUSTED_PROXY_COUNT="1", **extra_env)
        server = app_servers(env, workers=2)
        server.name, server.page_id, server.env = name, page_id, env
        server.token = json.loads(django_script(env, TOKEN_SCRIPT))
        return server

    return start


def public_reads(server):
    """What the public reads: the petition page, the API's count and detail, the widget."""
    return {
        path: http(f"{server.url}{path}", headers={"Accept": "text/html,*/*"})
        for path in (
            f"/{SLUG}/",
            f"/api/v1/petitions/{SLUG}/count/",
            f"/api/v1/petitions/{SLUG}/",
            f"/embed/v1/petitions/{SLUG}/",
        )
    }


def test_redis_stopped_falls_back_to_each_process(start_server, fresh_redis, throwaway_postgres):
    server = start_server(CACHE_RETRY_SECONDS="1")
    assert sign(server, 0)[0] == 201
    assert {path: status for path, (status, _, _) in public_reads(server).items()} == dict.fromkeys(
        public_reads(server), 200
    )

    fresh_redis.stop()
    for _ in range(3):  # both workers, several times
        statuses = {path: status for path, (status, _, _) in public_reads(server).items()}
        assert set(statuses.values()) == {200}, statuses
    answers = [sign(server, n) for n in range(1, 7)]
    assert [status for status, *_ in answers] == [201] * 6, answers
    status, _, content, _ = sign_with_form(server, 7)
    assert status == 303, content
    time.sleep(2.5)  # COUNT_CACHE_SECONDS: the count read before these signatures is forgotten
    count = json.loads(http(f"{server.url}/api/v1/petitions/{SLUG}/")[2])["signature_count"]
    assert count == 8
    status, _, body = http(f"{server.url}/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "degraded"
    assert health["checks"] == {"database": "ok", "cache": "error: ConnectionError"}

    log = server.read_log()
    assert 1 <= log.count(FALLBACK_LINE) <= 2, log  # once per worker process that noticed
    assert "Internal Server Error" not in log and "Traceback" not in log
    assert not re.search(r"ada\d+@|Ada\d+|Lovelace", log, re.I), "personal data in the log"

    fresh_redis.start()
    time.sleep(1.5)  # CACHE_RETRY_SECONDS
    for n in range(10, 14):
        assert sign(server, n)[0] == 201
    for _ in range(4):
        assert http(f"{server.url}/healthz")[0] == 200
    status, _, body = http(f"{server.url}/healthz")
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert BACK_LINE in server.read_log()

    assert tally(throwaway_postgres, server.name) == (12, 12)
    assert manage(server.env, "recount_tallies", check=False).returncode == 0


def test_redis_stopped_with_shared_throttling_required(start_server, fresh_redis, throwaway_postgres):
    server = start_server(REQUIRE_SHARED_THROTTLING="1")
    assert sign(server, 0)[0] == 201

    fresh_redis.stop()
    for n in range(1, 5):
        assert_unavailable(*sign(server, n, key=f"key-shared-{n}")[:3])
    status, headers, content, _ = sign_with_form(server, 5)
    assert status == 503 and int(headers["Retry-After"]) >= 1
    assert "your signature was not recorded" in content
    for _ in range(2):
        statuses = {path: status for path, (status, _, _) in public_reads(server).items()}
        assert set(statuses.values()) == {200}, statuses
    status, _, body = http(f"{server.url}/healthz")
    assert status == 503 and json.loads(body)["checks"]["cache"].startswith("error")

    fresh_redis.start()
    time.sleep(5.5)  # CACHE_RETRY_SECONDS (default 5)
    answers = [sign(server, n, key=f"key-shared-{n}") for n in range(1, 5)]
    assert [status for status, *_ in answers] == [201] * 4, answers
    assert tally(throwaway_postgres, server.name) == (5, 5)
    assert "Internal Server Error" not in server.read_log()
