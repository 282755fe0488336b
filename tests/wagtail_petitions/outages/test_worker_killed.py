"""App server workers killed (SIGKILL) in the middle of signing lose nothing and double nothing.

Real gunicorn (sync workers: a kill takes the request it is serving with it) on the tests' own PostgreSQL and Redis.
Clients sign concurrently and retry what failed as the widget does (the same ``Idempotency-Key``; or, without one,
the same signer again), while workers are killed one after another. Afterwards every signer has exactly one
signature, every keyed submission one stored answer, and the tally agrees with the signatures
(``recount_tallies``)."""

import json
import os
import random
import signal
import threading
import time
from http.client import HTTPException

import pytest

from tests.conftest import signer
from tests.services import django_env, django_script, manage

from .conftest import http
from .test_database_down import SLUG, TOKEN_SCRIPT

pytestmark = pytest.mark.xdist_group("faults")

SIGNERS = 150  # at least; signing goes on until kills have cut enough requests short (how many that takes
MAX_SIGNERS = 5000  # depends on the machine's speed, not what the test checks)
CLIENTS = 6
WANTED_INTERRUPTIONS = 4
MAX_KILLS = 200


def test_workers_killed_mid_signing_lose_and_double_nothing(
    fault_database, fresh_redis, app_servers, throwaway_postgres
):
    url, name, _page_id = fault_database
    env = django_env(url, fresh_redis.url(), TRUSTED_PROXY_COUNT="1")
    # Preloaded: a killed worker's replacement is forked from the loaded app at once, so kills keep hitting work.
    server = app_servers(env, workers=3, worker_class="sync", threads=1, preload=True)
    token = json.loads(django_script(env, TOKEN_SCRIPT))
    rng = random.Random(13)

    interruptions = []  # (signer, what the client saw) for every attempt a kill or a restart cut short
    finals = {}
    stop_killing = threading.Event()
    lock = threading.Lock()

    def submit(n):
        key = f"kill-test-{n:05d}" if n % 4 else None  # every fourth signer's widget sends no key
        headers = {"X-Forwarded-For": f"198.51.{n // 250}.{n % 250}", **({"Idempotency-Key": key} if key else {})}
        for _attempt in range(60):
            try:
                status, response_headers, body = http(
                    f"{server.url}/api/v1/petitions/{SLUG}/signatures/", {**token, **signer(n)}, headers=headers
                )
            except (OSError, HTTPException) as error:  # reset, refused, closed without an answer
                with lock:
                    interruptions.append((n, error.__class__.__name__))
                time.sleep(0.2)
                continue
            if status in (201, 202):
                return status, response_headers.get("Idempotent-Replayed"), json.loads(body)
            with lock:
                interruptions.append((n, status))
            time.sleep(0.2)  # 409 (the killed attempt's key still held a moment) or 5xx: retry as the widget does
        raise AssertionError(f"signer {n} never got an answer")

    next_signer = iter(range(MAX_SIGNERS))

    def client():
        while True:
            with lock:
                n = next(next_signer, None)
                enough = len(interruptions) >= WANTED_INTERRUPTIONS
            if n is None or (n >= SIGNERS and enough):
                return
            finals[n] = submit(n)

    def killer():
        kills = 0
        while not stop_killing.is_set() and kills < MAX_KILLS:
            time.sleep(rng.uniform(0.05, 0.3))
            with lock:
                if len(interruptions) >= WANTED_INTERRUPTIONS:
                    break
            workers = server.worker_pids()
            if workers:
                try:
                    os.kill(rng.choice(workers), signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
        killed.append(kills)

    killed = []
    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    kill_thread = threading.Thread(target=killer)
    for thread in clients:
        thread.start()
    kill_thread.start()
    for thread in clients:
        thread.join()
    stop_killing.set()
    kill_thread.join()
    print(f"{killed[0]} workers killed, {len(interruptions)} attempts cut short: {interruptions[:10]}")

    assert killed[0] >= 1
    assert interruptions, "no request was cut short by a kill: nothing was tested"
    numbers = sorted(finals)
    assert numbers == list(range(len(numbers))) and len(numbers) >= SIGNERS
    assert {status for status, _, _ in finals.values()} == {201}

    rows = throwaway_postgres.query(
        name, "SELECT email_normalized, count(*) FROM wagtail_petitions_signature GROUP BY email_normalized"
    )
    assert len(rows) == len(numbers), "a signature was lost"
    assert {count for _, count in rows} == {1}, "a signer was stored twice"
    assert {email for email, _ in rows} == {signer(n)["email"] for n in numbers}
    counted = throwaway_postgres.query(name, "SELECT count(*) FROM wagtail_petitions_signature WHERE state = 'counted'")
    total = throwaway_postgres.query(name, "SELECT coalesce(sum(count), 0) FROM wagtail_petitions_tallytotal")
    assert counted[0][0] == total[0][0], "the tally disagrees with the signatures"
    keys = throwaway_postgres.query(name, "SELECT count(*) FROM widget_api_idempotencykey")
    assert keys[0][0] == sum(1 for n in numbers if n % 4)
    recount = manage(server.env, "recount_tallies", check=False)
    assert recount.returncode == 0, recount.stdout + recount.stderr
    assert "0 drifted" in recount.stdout
