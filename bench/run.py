"""``make bench``: load the production server with wrk and print one table (also ``bench/results/latest.json``).

In one run, on PostgreSQL and Redis (started if needed): the floor (bare Django views, no middleware), the peer (a
Wagtail form page), signing, count and page reads, count latency at 1k vs 1M signatures, exactness, worker memory
and the memory of a 1M-row CSV export. Targets are ratios within the run. The database named by
``BENCH_DATABASE_URL`` is dropped and recreated; the Redis database of ``BENCH_REDIS_URL`` is flushed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "lua" / "bench.lua"
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- services ----------------------------------------------------------------------------------------------------


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, env=env)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, env=env)


def ensure_services(database_url, redis_url):
    db, redis = urlsplit(database_url), urlsplit(redis_url)
    pg = ["pg_isready", "-q", "-h", db.hostname or HOST, "-p", str(db.port or 5432)]
    if subprocess.run(pg).returncode != 0:
        log("starting PostgreSQL")
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
    ping = ["redis-cli", "-h", redis.hostname or HOST, "-p", str(redis.port or 6379), "ping"]
    if subprocess.run(ping, capture_output=True).returncode != 0:
        log("starting Redis")
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", redis.hostname or HOST, "--port", str(redis.port or 6379)]
            + ["--save", "", "--appendonly", "no"],
            check=True,
        )
    for _ in range(30):
        if subprocess.run(pg).returncode == 0 and subprocess.run(ping, capture_output=True).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL or Redis did not come up")


def recreate_database(database_url):
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()


# --- servers and load --------------------------------------------------------------------------------------------


class Server:
    def __init__(self, settings, port, workers, threads, env, probe):
        self.url = f"http://{HOST}:{port}"
        cmd = [
            str(BIN / "gunicorn"),
            "petitions_site.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--preload",  # every worker is ready when the first answers
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ]
        self.process = subprocess.Popen(cmd, env={**env, "DJANGO_SETTINGS_MODULE": settings}, cwd=ROOT)
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + probe, timeout=5) as response:
                    if response.status == 200:
                        break
            except Exception:
                if time.time() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit(f"{settings} did not start on port {port}") from None
                time.sleep(0.3)

    def worker_peak_rss_mb(self) -> float:
        """The largest peak RSS (VmHWM) among the master's worker processes."""
        peaks = []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1) if peaks else 0.0

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def wrk(url, mode, runid, duration, connections, threads, token=""):
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "-s", str(LUA)]
    cmd += [url, "--", mode, runid] + ([token] if token else [])
    output = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    seconds = data["duration_us"] / 1e6
    return {
        "rps": round(data["requests"] / seconds, 1),
        "ok_rps": round(data["ok"] / seconds, 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "requests": data["requests"],
        "seconds": seconds,
        "ok": data["ok"],
        "non_2xx": data["non_2xx"],
        "socket_errors": data["socket_errors"],
        "statuses_seen": data["statuses_seen"].strip(),
    }


def combine(runs):
    """One row from its slices: totals for counts and rates, the median slice for latencies."""
    seconds = sum(run["seconds"] for run in runs)
    return {
        "rps": round(sum(run["requests"] for run in runs) / seconds, 1),
        "ok_rps": round(sum(run["ok"] for run in runs) / seconds, 1),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "requests": sum(run["requests"] for run in runs),
        "ok": sum(run["ok"] for run in runs),
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "socket_errors": sum(run["socket_errors"] for run in runs),
        "seconds": round(seconds, 2),
    }


def task(step, *args, env):
    result = subprocess.run(
        [sys.executable, "-m", "bench.tasks", step, *map(str, args)],
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench step {step} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- confirmation mails ---------------------------------------------------------------------------------------------

WORKER_INTERVAL = 0.1
LATENCY_SAMPLES = 100


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def mail_rows(sign_url, token, runid, env):
    """The task worker (``manage.py db_worker``) sends the confirmation mails the signing row left due to a local SMTP
    server: mails per second from the first arrival to the last. Then, with the worker running, single signatures a
    little apart: the time from each POST to its mail's arrival."""
    sys.path.insert(0, str(ROOT))
    from petitions_site.mail_catcher import MailCatcher

    catcher = MailCatcher(keep=10**7).start()
    due = task("due-mails", env=env)["due"]
    worker_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings", "EMAIL_HOST": catcher.host}
    worker_env["EMAIL_PORT"] = str(catcher.port)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", str(WORKER_INTERVAL), "--no-startup-delay", "-v0"],
        env=worker_env,
        cwd=ROOT,
    )
    try:
        mails = catcher.wait_for(due, timeout=max(120, due / 20))
        if len(mails) < due:
            raise SystemExit(f"only {len(mails)} of {due} confirmation mails arrived")
        seconds = mails[-1].received_at - mails[0].received_at
        posted = {}
        for n in range(LATENCY_SAMPLES):
            email = f"latency{n}-{runid}@bench.example"
            body = {"first_name": "Bench", "last_name": "Latency", "email": email, "country": "FR", "form_token": token}
            request = urllib.request.Request(
                sign_url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
            )
            posted[email] = time.time()
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 202, response.status
            time.sleep(0.05)
        arrived = catcher.wait_for(due + LATENCY_SAMPLES, timeout=120)[due:]
        latencies = [(mail.received_at - posted[mail.recipients[0]]) * 1000 for mail in arrived]
    finally:
        worker.terminate()
        worker.wait(30)
        catcher.stop()
    return {
        "sent": due,
        "seconds": round(seconds, 2),
        "mails_per_second": round((due - 1) / seconds, 1) if seconds > 0 else 0.0,
        "latency_samples": len(latencies),
        "latency_p50_ms": round(percentile(latencies, 0.5), 1),
        "latency_p99_ms": round(percentile(latencies, 0.99), 1),
        "worker_interval_s": WORKER_INTERVAL,
    }


# --- updates to signers ---------------------------------------------------------------------------------------------


def worker_peak_rss_mb(pid) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def update_mail_row(site_url, rows, env):
    """An update to ``rows`` signers who asked for updates, sent by the task worker (``manage.py db_worker``, no
    rate limit) to a local SMTP server: mails per second from the first arrival to the last, the worker's peak
    RSS, and whether each recipient got it exactly once."""
    sys.path.insert(0, str(ROOT))
    from petitions_site.mail_catcher import MailCatcher

    received, times, done = {}, [], threading.Event()

    def count(mail):
        # Only the recipient and the time are kept: 100,000 mails' bytes would weigh on this process.
        received[mail.recipients[0]] = received.get(mail.recipients[0], 0) + 1
        times.append(mail.received_at)
        if len(times) >= rows:
            done.set()

    catcher = MailCatcher(keep=1, on_mail=count).start()
    started = time.time()
    setup = task("update-mails-setup", site_url, rows, env=env)
    setup_seconds = time.time() - started
    worker_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings", "EMAIL_HOST": catcher.host}
    worker_env["EMAIL_PORT"] = str(catcher.port)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", str(WORKER_INTERVAL), "--no-startup-delay", "-v0"],
        env=worker_env,
        cwd=ROOT,
    )
    try:
        done.wait(timeout=max(300, rows / 20))
        peak = worker_peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(60)
        catcher.stop()
    check = task("update-mails-check", setup["update"], env=env)
    seconds = times[-1] - times[0] if len(times) > 1 else 0.0
    return {
        "recipients": setup["recipients"],
        "received": len(times),
        "distinct_received": len(received),
        "exactly_once": len(times) == len(received) == setup["recipients"] == check["sent"],
        "seconds": round(seconds, 2),
        "mails_per_second": round((len(times) - 1) / seconds, 1) if seconds > 0 else 0.0,
        "worker_peak_rss_mb": peak,
        "setup_seconds": round(setup_seconds, 1),
        "check": check,
    }


def update_mail_line(u) -> str:
    return (
        f"update mails: {u['received']:,} of {u['recipients']:,} recipients sent by the task worker to a local SMTP "
        f"server in {u['seconds']} s = {u['mails_per_second']} mails/s, worker peak RSS {u['worker_peak_rss_mb']} MB, "
        f"{'each exactly once' if u['exactly_once'] else 'NOT exactly once'} ({u['distinct_received']:,} distinct, "
        f"status {u['check']['status']})"
    )


# Rows that write to the database (see ``main``).
WRITE_ROWS = {
    "floor: one INSERT",
    "peer: Wagtail form POST",
    "sign: POST signatures/",
    "sign, confirmation required",
    "sign, no key/partner (diagnostic)",
}


# --- report ------------------------------------------------------------------------------------------------------


def ratio(a, b):
    # Not rounded: a target is judged on the measured ratio (0.496 is below 0.5), and printed with 3 decimals.
    return a / b if b else 0.0


def report(results):
    r = results["runs"]
    checks = [
        ("sign ≥ 0.5× one-INSERT floor", ratio(r["sign"]["ok_rps"], r["floor_insert"]["rps"]), ">=", 0.5),
        ("sign ≥ 5× Wagtail form peer", ratio(r["sign"]["ok_rps"], r["peer"]["ok_rps"]), ">=", 5),
        (
            "sign, confirmation required ≥ 0.8× without",
            ratio(r["sign_confirm"]["ok_rps"], r["sign"]["ok_rps"]),
            ">=",
            0.8,
        ),
        (
            "(diagnostic) sign without key/partner vs INSERT floor",
            ratio(r["sign_bare"]["ok_rps"], r["floor_insert"]["rps"]),
            ">=",
            0.5,
        ),
        ("count read ≥ 0.8× constant-JSON floor", ratio(r["count"]["rps"], r["floor_json"]["rps"]), ">=", 0.8),
        ("petition page ≥ 0.5× constant-JSON floor", ratio(r["page"]["rps"], r["floor_json"]["rps"]), ">=", 0.5),
        ("stats read ≥ 0.8× constant-JSON floor", ratio(r["stats"]["rps"], r["floor_json"]["rps"]), ">=", 0.8),
        ("history read ≥ 0.8× constant-JSON floor", ratio(r["history"]["rps"], r["floor_json"]["rps"]), ">=", 0.8),
        ("share card hit ≥ 0.8× count read", ratio(r["card"]["rps"], r["count"]["rps"]), ">=", 0.8),
        (
            "stats built from the DB at 1M ≤ 1.2× at 1k",
            ratio(results["growth"]["stats_read_ms_growth-1m"], results["growth"]["stats_read_ms_growth-1k"]),
            "<=",
            1.2,
        ),
        (
            "count p50 at 1M ≤ 1.2× at 1k",
            ratio(results["growth"]["count_p50_ms_1m"], results["growth"]["count_p50_ms_1k"]),
            "<=",
            1.2,
        ),
        (
            "tally read from the DB at 1M ≤ 1.2× at 1k",
            ratio(results["growth"]["tally_read_ms_growth-1m"], results["growth"]["tally_read_ms_growth-1k"]),
            "<=",
            1.2,
        ),
        ("worker peak RSS ≤ 150 MB", results["memory"]["worker_peak_rss_mb"], "<=", 150),
        ("1M-row CSV export peak RSS ≤ 200 MB", results["memory"]["export_peak_rss_mb"], "<=", 200),
        ("update mail worker peak RSS ≤ 150 MB", results["update_mails"]["worker_peak_rss_mb"], "<=", 150),
        ("update mails: each recipient exactly once", 1 if results["update_mails"]["exactly_once"] else 0, ">=", 1),
        ("errors (non-2xx + socket) = 0", results["errors"], "<=", 0),
        ("exact tally", 1 if results["exactness"]["exact"] else 0, ">=", 1),
    ]
    results["targets"] = [
        {"target": name, "value": round(value, 3), "passed": value >= limit if op == ">=" else value <= limit}
        for name, value, op, limit in checks
    ]
    lines = [
        "",
        f"{'row':<34} {'req/s':>9} {'ok/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8}",
        "-" * 90,
    ]
    for name, run in results["table"].items():
        lines.append(
            f"{name:<34} {run['rps']:>9,.0f} {run['ok_rps']:>9,.0f} {run['p50_ms']:>8.2f} {run['p99_ms']:>8.2f} "
            f"{run['non_2xx']:>8} {run['socket_errors']:>8}"
        )
    g, m, e, mail = results["growth"], results["memory"], results["exactness"], results["mail"]
    lines += [
        "-" * 90,
        f"growth: count p50 {g['count_p50_ms_1k']} ms at 1k vs {g['count_p50_ms_1m']} ms at 1M (wrk, cached path); "
        f"tally read from the DB {g['tally_read_ms_growth-1k']} ms vs {g['tally_read_ms_growth-1m']} ms "
        f"(a row count would take {g['row_count_ms_growth-1k']} ms vs {g['row_count_ms_growth-1m']} ms); "
        f"stats built from the DB {g['stats_read_ms_growth-1k']} ms vs {g['stats_read_ms_growth-1m']} ms",
        f"exactness: {e['accepted_201_seen_by_wrk']} accepted (201) seen by wrk, {e['accepted_201_answered']} answered "
        f"(stored Idempotency-Key answers; wrk drops the replies in flight when it stops), {e['signature_rows']} rows,"
        f" {e['distinct_signers']} distinct signers, tally {e['tally']}, recount drifts {e['recount_drifts']} -> "
        f"{'EXACT' if e['exact'] else 'WRONG'}",
        f"confirmation mails: {mail['sent']:,} sent by the task worker to a local SMTP server (aiosmtpd) in "
        f"{mail['seconds']} s = {mail['mails_per_second']} mails/s; POST to mail arrival "
        f"p50 {mail['latency_p50_ms']} ms, p99 {mail['latency_p99_ms']} ms over {mail['latency_samples']} signatures "
        f"(worker polling every {mail['worker_interval_s']} s)",
        update_mail_line(results["update_mails"]),
        f"memory: worker peak RSS {m['worker_peak_rss_mb']} MB; CSV export of {m['export_rows']:,} rows "
        f"({m['export_mb']} MB in {m['export_seconds']} s) peak RSS {m['export_peak_rss_mb']} MB",
        "",
        f"{'target (ratios within this run)':<48} {'value':>8}  result",
        "-" * 66,
    ]
    for t in results["targets"]:
        lines.append(f"{t['target']:<48} {t['value']:>8}  {'PASS' if t['passed'] else 'MISS'}")
    lines.append("")
    c = results["config"]
    lines.append(
        f"{c['workers']} gunicorn {c['worker_class']} workers x {c['threads_per_worker']} threads on {c['cpus']} CPUs, "
        f"wrk {c['threads']} threads x {c['connections']} connections, {c['duration']} s per row in {c['rounds']} "
        f"turns; bench took {results['bench_seconds']} s; load average before {results['load_average_before'][0]:.1f}"
        f", after {results['load_average_after'][0]:.1f}"
    )
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "12")))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1))))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8100")))
    parser.add_argument("--threads-per-worker", type=int, default=4, help="gunicorn gthread threads per worker")
    parser.add_argument("--rounds", type=int, default=3, help="rows take turns in this many slices of the duration")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds of pause after each write row")
    parser.add_argument(
        "--update-mails",
        type=int,
        # Each recipient's sent marker is committed before its mail goes out (at most once): ~130 mails/s on a quiet
        # 2-core machine, ~20 on a loaded one, so 100,000 would take longer than the rest of the bench.
        default=int(os.environ.get("BENCH_UPDATE_MAILS", "3000")),
        help="recipients of the update-mail row (BENCH_UPDATE_MAILS, default 3,000; the issue asks 100,000 if it fits)",
    )
    parser.add_argument("--only", choices=["update-mails"], help="run this row alone (on a fresh bench database)")
    args = parser.parse_args()
    started = time.time()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/petitions_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not args.only:
        ensure_wrk()
    ensure_services(database_url, redis_url)
    log(f"recreating {urlsplit(database_url).path.lstrip('/')}, flushing {redis_url}")
    recreate_database(database_url)
    flush_redis(redis_url)

    site_url = f"http://{HOST}:{args.port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_INSECURE_COOKIES": "1",  # plain HTTP on loopback
        "WAGTAILADMIN_BASE_URL": site_url,
        # Signing keeps its per-connection ceiling, as in production, at a rate one load generator can't reach.
        "SIGNING_CEILING_PER_MINUTE": "10000000",
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if args.only == "update-mails":
        log(f"update mails to {args.update_mails:,} recipients, alone")
        row = update_mail_row(site_url, args.update_mails, env)
        print(json.dumps(row, indent=2))
        print(update_mail_line(row))
        return
    log("migrating, loading content and 1,001,000 signatures")
    results = {
        "config": {**vars(args), "worker_class": "gthread", "cpus": os.cpu_count()},
        "load_average_before": os.getloadavg(),
        "prepare": task("prepare", site_url, env=env),
    }
    runid = task("runid", env=env)["runid"]
    tokens = results["prepare"]["form_tokens"]
    slice_seconds = max(2, round(args.duration / args.rounds))

    log("starting the floor server (bare Django, no middleware) and the product server")
    floor = Server("bench.floor.settings", args.port + 1, args.workers, args.threads_per_worker, env, "/floor/json/")
    server = Server("bench.settings", args.port, args.workers, args.threads_per_worker, env, "/healthz")
    api = server.url + "/api/v1/petitions/"
    rows = {
        "floor: constant JSON": (floor.url + "/floor/json/", "get", ""),
        "floor: one INSERT": (floor.url + "/floor/insert/", "get", ""),
        "peer: Wagtail form POST": (server.url + "/peer-form/", "peer", ""),
        "sign: POST signatures/": (api + "bench-sign/signatures/", "sign", tokens["bench-sign"]),
        # The same signatures on a petition that requires email confirmation: pending, their mails due.
        "sign, confirmation required": (api + "bench-confirm/signatures/", "sign", tokens["bench-confirm"]),
        "count: GET count/": (api + "bench-sign/count/", "get", ""),
        # Diagnostic: what the key and the partner lookup cost (another petition, so exactness stays simple).
        "sign, no key/partner (diagnostic)": (api + "stop-spyware/signatures/", "sign-bare", tokens["stop-spyware"]),
        "petition page: GET": (server.url + "/bench-sign/", "get", ""),
        # Open data and share links (issue 14): served from the response cache like the count.
        "stats: GET stats/": (api + "bench-sign/stats/", "get", ""),
        "history: GET history/?interval=hour": (api + "bench-sign/history/?interval=hour", "get", ""),
        "share card: GET share-card/ (hit)": (server.url + "/bench-sign/share-card/", "get", ""),
    }
    growth_rows = {size: f"{server.url}/api/v1/petitions/growth-{size}/count/" for size in ("1k", "1m")}
    # Rows take turns, a slice at a time, so a change in the machine's load hits every row alike.
    rounds = {name: [] for name in [*rows, *growth_rows]}
    try:
        for n, (url, mode, token) in enumerate(rows.values()):
            wrk(url, mode, f"{runid}w{n}", 1, args.connections, args.threads, token)
        for round_number in range(args.rounds):
            log(f"round {round_number + 1}/{args.rounds}")
            for name, (url, mode, token) in rows.items():
                # Fresh emails and keys in every turn; the confirmation row's keys apart from the signing row's.
                turn = f"{runid}{'c' if 'confirmation' in name else 'r'}{round_number}"
                rounds[name].append(wrk(url, mode, turn, slice_seconds, args.connections, args.threads, token))
                if name in WRITE_ROWS:
                    # PostgreSQL finishes a write burst in the background (WAL writer, autovacuum of the tables
                    # just written); without a pause that work lands on whichever row comes next.
                    time.sleep(args.settle)
            for size, url in growth_rows.items():
                rounds[size].append(wrk(url, "get", runid, max(2, slice_seconds // 2), args.connections, args.threads))
        memory = {"worker_peak_rss_mb": server.worker_peak_rss_mb()}
        log("the task worker sends the due confirmation mails; then POST-to-mail latency")
        results["mail"] = mail_rows(api + "bench-confirm/signatures/", tokens["bench-confirm"], runid, env)
    finally:
        server.stop()
        floor.stop()
    runs = {name: combine(rounds[name]) for name in rows}
    accepted = sum(run["ok"] for run in rounds["sign: POST signatures/"])
    growth = {"1k": rounds["1k"], "1m": rounds["1m"]}

    # The table's row names, shortened for the ratios.
    short = ["floor_json", "floor_insert", "peer", "sign", "sign_confirm", "count", "sign_bare", "page"]
    short += ["stats", "history", "card"]
    named = dict(zip(short, runs.values(), strict=True))
    results["runs"] = named
    results["table"] = runs
    results["rounds"] = rounds
    results["growth"] = {
        "count_p50_ms_1k": statistics.median(run["p50_ms"] for run in growth["1k"]),
        "count_p50_ms_1m": statistics.median(run["p50_ms"] for run in growth["1m"]),
        "count_rps_1k": combine(growth["1k"])["rps"],
        "count_rps_1m": combine(growth["1m"])["rps"],
        **task("fresh-reads", env=env),
    }
    log("exactness and the 1M-row export")
    results["exactness"] = task("exactness", runid, accepted, env=env)
    memory.update(task("export", env=env))
    results["memory"] = memory
    log(f"an update to {args.update_mails:,} signers, sent by the task worker")
    results["update_mails"] = update_mail_row(site_url, args.update_mails, env)
    product_runs = [
        named[k] for k in ("sign", "sign_confirm", "sign_bare", "count", "page", "stats", "history", "card")
    ]
    product_runs += growth["1k"] + growth["1m"]
    results["errors"] = sum(run["non_2xx"] + run["socket_errors"] for run in product_runs)
    results["bench_seconds"] = round(time.time() - started)
    results["load_average_after"] = os.getloadavg()
    table = report(results)
    results["report"] = table
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table)
    print(f"\nwritten to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
