"""Scale-out on PostgreSQL + Redis: two app server processes on different ports, one database, one Redis.

Signing goes through both at once, with repeats in another letter case and the same Idempotency-Key retried
through both servers; the tally must be exact afterwards.
"""

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import as_sent_by_a_form, signer
from wagtail_petitions import recount
from wagtail_petitions.models import Signature, TallyCounter
from widget_api.models import IdempotencyKey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_servers():
    if connection.vendor != "postgresql":
        pytest.skip("scale-out needs DATABASE_URL pointing at PostgreSQL (SQLite is one process's file)")
    if not os.environ.get("REDIS_URL"):
        pytest.skip("scale-out needs REDIS_URL: app processes share throttles and caches through Redis")
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "petitions_site.settings.test",
        # Behind a load balancer (this test), which tells each signer's address in X-Forwarded-For.
        "TRUSTED_PROXY_COUNT": "1",
    }
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [gunicorn, "petitions_site.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2", "-k", "gthread"]
                + ["--threads", "4", "--log-level", "warning"],
                cwd=ROOT,
                env=env,
            )
            servers.append((f"http://127.0.0.1:{port}", process))
        for url, process in servers:
            deadline = time.time() + 120  # a loaded machine boots Wagtail slowly
            while True:
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=5)
                    break
                except OSError:  # refused, reset or timed out while it boots
                    if time.time() > deadline or process.poll() is not None:
                        pytest.fail(f"app server {url} did not start")
                    time.sleep(0.2)
        yield [url for url, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            # A loaded machine may take a while to stop gunicorn's workers: wait as long as it takes, within
            # reason, and kill what is left rather than fail the test over its teardown.
            try:
                process.wait(120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def post(base, slug, payload, key=None):
    """Sign as a person on their own connection (their address as the load balancer tells it), through the form."""
    address = f"198.51.{int(payload['first_name'].removeprefix('Ada')) % 250}.7"
    headers = {"Content-Type": "application/json", "X-Forwarded-For": address}
    request = urllib.request.Request(
        f"{base}/api/v1/petitions/{slug}/signatures/",
        data=json.dumps(as_sent_by_a_form(payload, slug)).encode(),
        headers={**headers, **({"Idempotency-Key": key} if key else {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), response.headers.get("Idempotent-Replayed")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("Idempotent-Replayed")


def test_two_app_processes_sign_concurrently_and_the_tally_is_exact(petition, two_servers):
    distinct = 60
    rng = random.Random(11)
    jobs = []  # (server, payload, key)
    for n in range(distinct):
        jobs.append((rng.choice(two_servers), signer(n), f"key-{n:04d}-first"))
    for n in rng.sample(range(distinct), 20):  # repeats, other letter case, other server, new key
        jobs.append((rng.choice(two_servers), signer(n, email=f"ADA{n}@Example.ORG"), f"key-{n:04d}-repeat"))
    retried = rng.sample(range(distinct), 15)
    for n in retried:  # the same submission retried through the other server with the same key
        jobs.append((two_servers[0], signer(n), f"key-{n:04d}-first"))
        jobs.append((two_servers[1], signer(n), f"key-{n:04d}-first"))
    rng.shuffle(jobs)

    results, lock = [], threading.Lock()

    def run(batch):
        for base, payload, key in batch:
            outcome = post(base, petition.slug, payload, key)
            with lock:
                results.append((key, payload["email"], outcome))

    threads = [threading.Thread(target=run, args=(jobs[i::12],)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted({status for _, _, (status, _, _) in results})
    assert set(statuses) <= {201, 409}, statuses
    # 409 only for a key whose first request was still in flight; asking again now replays the first answer.
    first_answers = {}
    for key, _email, (status, body, replayed) in results:
        if status == 201 and not replayed:
            assert key not in first_answers, f"{key} answered twice without a replay"
            first_answers[key] = body
    for key, _email, (status, body, replayed) in results:
        if status == 409:
            assert body["errors"]["non_field_errors"][0]["code"] == "idempotency_key_in_flight"
        elif replayed:
            assert body == first_answers[key]
    for n in retried:
        status, body, replayed = post(two_servers[n % 2], petition.slug, signer(n), f"key-{n:04d}-first")
        assert (status, replayed, body) == (201, "true", first_answers[f"key-{n:04d}-first"])

    key = petition.get_tally_key()
    assert Signature.objects.filter(petition_key=key).count() == distinct
    assert TallyCounter.objects.read(key).total == distinct
    assert recount.recount(key) == []
    assert IdempotencyKey.objects.count() == distinct + 20
    for base in two_servers:
        with urllib.request.urlopen(f"{base}/api/v1/petitions/{petition.slug}/", timeout=10) as response:
            assert json.loads(response.read())["signature_count"] in range(0, distinct + 1)
