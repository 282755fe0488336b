"""PostgreSQL stopped or unreachable under real app servers: 503 with ``Retry-After`` and the error envelope, no 500,
no hang; counts and pages served stale; ``/healthz`` names the database; once it is back, the widget's retry with
its ``Idempotency-Key`` lands exactly once. The tests' own PostgreSQL and Redis (``tests.services``), never the
shared ones."""

import json
import socket
import threading
import time
import urllib.parse

import pytest

from tests.conftest import signer
from tests.services import django_env, django_script, manage

from .conftest import http

pytestmark = pytest.mark.xdist_group("faults")

SLUG = "stop-spyware"
# No hang: far below any default (psycopg waits 130 s to connect, a TCP read forever), far above the
# 2 s the settings allow (DATABASE_CONNECT_TIMEOUT) on a loaded machine.
NO_HANG_SECONDS = 15
TOKEN_SCRIPT = """
import json
from wagtail_petitions.defence.tokens import TOKEN_FIELD, issue_form_token
from wagtail_petitions.models import PetitionPage
import time
petition = PetitionPage.objects.get(slug="stop-spyware")
print(json.dumps({TOKEN_FIELD: issue_form_token(petition, now=time.time() - 60)}))
"""


def sign(server, n, key=None, **headers):
    headers = {"X-Forwarded-For": f"198.51.100.{n % 250}", **headers}
    if key:
        headers["Idempotency-Key"] = key
    started = time.monotonic()
    status, response_headers, body = http(
        f"{server.url}/api/v1/petitions/{SLUG}/signatures/", {**server.token, **signer(n)}, headers=headers
    )
    return status, response_headers, json.loads(body), time.monotonic() - started


def sign_with_form(server, n):
    fields = {**server.token, **signer(n)}
    fields.pop("consent_updates")  # an unticked box is not sent
    body = urllib.parse.urlencode(fields).encode()
    started = time.monotonic()
    status, headers, content = http(
        f"{server.url}/petitions/sign/{server.page_id}/",
        body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html,*/*;q=0.8"},
    )
    return status, headers, content.decode(), time.monotonic() - started


def assert_unavailable(status, headers, body):
    assert status == 503, (status, body)
    assert int(headers["Retry-After"]) >= 1
    assert body == {
        "errors": {
            "non_field_errors": [
                {"code": "service_unavailable", "message": body["errors"]["non_field_errors"][0]["message"]}
            ]
        }
    }
    assert "no-store" in headers.get("Cache-Control", "") or "no-cache" in headers.get("Cache-Control", "")


def tally(throwaway_postgres, name):
    signatures = throwaway_postgres.query(name, "SELECT count(*) FROM wagtail_petitions_signature")[0][0]
    total = throwaway_postgres.query(name, "SELECT coalesce(sum(count), 0) FROM wagtail_petitions_tallytotal")[0][0]
    return signatures, total


@pytest.fixture
def server_on_faults(fault_database, fresh_redis, app_servers):
    url, name, page_id = fault_database
    env = django_env(url, fresh_redis.url(), TRUSTED_PROXY_COUNT="1")
    server = app_servers(env, workers=2)
    server.name, server.page_id, server.env = name, page_id, env
    server.token = json.loads(django_script(env, TOKEN_SCRIPT))
    return server


def test_postgres_stopped_then_back(server_on_faults, postgres_back):
    server, pg = server_on_faults, postgres_back
    status, _, body, _ = sign(server, 0, key="key-before-outage")
    assert status == 201, body
    time.sleep(2.5)  # the count's fresh entry (COUNT_CACHE_SECONDS) expires; the next read stores the new count
    status, _, count_before = http(f"{server.url}/api/v1/petitions/{SLUG}/count/")
    assert status == 200 and json.loads(count_before)["signature_count"] == 1
    status, _, page_before = http(f"{server.url}/{SLUG}/")
    assert status == 200

    pg.stop("fast")
    time.sleep(2.5)  # past the count's fresh entry: reads now reach the view, which cannot reach the database

    timings = []
    for n in range(1, 5):  # both workers, each with a kept connection the stop closed
        status, headers, body, seconds = sign(server, n, key=f"key-during-{n}")
        assert_unavailable(status, headers, body)
        assert seconds < NO_HANG_SECONDS
        timings.append(round(seconds, 3))
    status, headers, content, seconds = sign_with_form(server, 9)
    assert status == 503 and int(headers["Retry-After"]) >= 1, content
    assert "nothing was recorded" in content and "<html" in content
    assert seconds < NO_HANG_SECONDS
    print("stopped database: API answered 503 in", timings, "s; the form in", round(seconds, 3), "s")

    # Counts and pages: the last good answer (stale-if-error), not an error.
    for _ in range(4):
        status, headers, body = http(f"{server.url}/api/v1/petitions/{SLUG}/count/")
        assert (status, body) == (200, count_before)
        assert headers["X-Cache"] in ("stale", "hit")
    status, headers, body = http(f"{server.url}/{SLUG}/", headers={"Accept": "text/html"})
    assert status == 200 and body == page_before

    status, _, body = http(f"{server.url}/healthz")
    health = json.loads(body)
    assert status == 503 and health["status"] == "unavailable"
    assert health["checks"]["database"].startswith("error") and health["checks"]["cache"] == "ok"

    pg.start()
    # Right after the restart every worker's kept connection is dead: no request may fail for it.
    answers = [sign(server, n, key=f"key-during-{n}") for n in range(1, 5)]
    assert [status for status, *_ in answers] == [201] * 4, answers
    assert not any(headers.get("Idempotent-Replayed") for _, headers, _, _ in answers)
    replays = [sign(server, n, key=f"key-during-{n}") for n in range(1, 5)]
    assert [(status, headers.get("Idempotent-Replayed")) for status, headers, *_ in replays] == [(201, "true")] * 4
    status, _, content, _ = sign_with_form(server, 9)
    assert status == 303, content
    status, _, body = http(f"{server.url}/healthz")
    assert (status, json.loads(body)["status"]) == (200, "ok")

    assert tally(pg, server.name) == (6, 6)
    assert manage(server.env, "recount_tallies", check=False).returncode == 0
    assert "Internal Server Error" not in server.read_log()


def blackhole():
    """A TCP port that accepts connections (the kernel's backlog) and never says a word: a database that is
    unreachable rather than stopped."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def test_postgres_unreachable_gives_up_within_the_connect_timeout(fault_database, fresh_redis, app_servers):
    hole = blackhole()
    try:
        url = f"postgres://postgres@127.0.0.1:{hole.getsockname()[1]}/nowhere"
        server = app_servers(django_env(url, fresh_redis.url()), workers=1, threads=4)
        results = []

        def one(n):
            started = time.monotonic()
            status, headers, body = http(
                f"{server.url}/api/v1/petitions/{SLUG}/signatures/",
                signer(n),
                headers={"Idempotency-Key": f"k-{n:06d}"},
            )
            results.append((status, headers, json.loads(body), time.monotonic() - started))

        threads = [threading.Thread(target=one, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for status, headers, body, seconds in results:
            assert_unavailable(status, headers, body)
            assert seconds < NO_HANG_SECONDS
        print("unreachable database: answered 503 in", sorted(round(r[3], 2) for r in results), "s")
        status, _, body = http(f"{server.url}/healthz")
        assert status == 503 and json.loads(body)["checks"]["database"].startswith("error")
    finally:
        hole.close()


class CountingBlackhole:
    """Like ``blackhole``, but accepts each connection (and counts them) before never saying a word."""

    def __init__(self):
        self.sock = blackhole()
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.connections.append(connection)

    def settled_count(self) -> int:
        """Connections made so far (a connection made just before an answer was accepted by then: the server only
        answers after its connect timeout, long after the kernel completed the connection)."""
        return len(self.connections)

    def close(self):
        self.sock.close()
        for connection in self.connections:
            connection.close()


def test_once_the_database_could_not_be_connected_to_requests_answer_without_waiting_for_it(
    fault_database, fresh_redis, app_servers
):
    hole = CountingBlackhole()
    try:
        url = f"postgres://postgres@127.0.0.1:{hole.port}/nowhere"
        # The breaker stays open for the whole test, whatever the machine's speed.
        env = django_env(url, fresh_redis.url(), DATABASE_RETRY_SECONDS="3600")
        server = app_servers(env, workers=1, threads=4)
        status, headers, body = http(f"{server.url}/api/v1/petitions/{SLUG}/signatures/", signer(1))
        assert_unavailable(status, headers, json.loads(body))
        tried = hole.settled_count()
        assert tried >= 1

        # Signing (API and no-JS form), the count, a page: 503 with Retry-After, and no connection attempted.
        for n in range(2, 6):
            status, headers, body = http(f"{server.url}/api/v1/petitions/{SLUG}/signatures/", signer(n))
            assert_unavailable(status, headers, json.loads(body))
        status, headers, body = http(f"{server.url}/api/v1/petitions/{SLUG}/count/")
        assert_unavailable(status, headers, json.loads(body))
        status, headers, body = http(f"{server.url}/{SLUG}/", headers={"Accept": "text/html"})
        assert status == 503 and headers["Retry-After"] and b"nothing was recorded" in body
        assert hole.settled_count() == tried

        # /healthz asks the database itself, every time.
        status, _, body = http(f"{server.url}/healthz")
        assert status == 503 and json.loads(body)["checks"]["database"].startswith("error")
        assert hole.settled_count() > tried
        log = server.read_log()
        assert log.count("The database cannot be connected to") == 1, log[-3000:]
        assert "Internal Server Error" not in log
    finally:
        hole.close()
