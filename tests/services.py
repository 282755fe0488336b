"""Throwaway PostgreSQL and Redis servers, and app servers (gunicorn) on them, for the tests that stop a dependency.

The shared servers (``DATABASE_URL``, ``REDIS_URL``) are never stopped: a test that takes a dependency away starts
its own instance (``initdb`` into a temporary folder, ``redis-server`` with no persistence) on a free port of
``FAULT_PORTS`` and stops, restarts or deletes it at will. ``tests/conftest.py`` makes them session fixtures.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


#: The ports these servers may take (one range per engineer on the shared machine; override with
#: ``PETITIONS_FAULT_PORTS=19200-19299``).
def _port_range(spec: str) -> range:
    low, high = spec.split("-")
    return range(int(low), int(high) + 1)


FAULT_PORTS = _port_range(os.environ.get("PETITIONS_FAULT_PORTS", "19200-19299"))


def free_port() -> int:
    """A port of ``FAULT_PORTS`` that nothing listens on (a random start, so parallel test processes differ)."""
    ports = list(FAULT_PORTS)
    start = int.from_bytes(os.urandom(2), "big") % len(ports)
    for port in ports[start:] + ports[:start]:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {FAULT_PORTS}")


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(0.1)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def postgres_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a port of ``FAULT_PORTS``: ``stop()`` and
    ``start()`` it freely. Run as the ``postgres`` system user when the tests run as root (PostgreSQL refuses root).
    """

    def __init__(self):
        self.bin = postgres_bin_dir()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin)")
        self.folder = Path(tempfile.mkdtemp(prefix="petitions-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n"
                "shared_buffers = 32MB\n"
            )
        self.start()

    def _run(self, program, *args, check=True):
        command = [str(self.bin / program), *args]
        kwargs = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        return subprocess.run(
            command, check=check, capture_output=True, text=True, cwd=self.folder, timeout=120, **kwargs
        )

    def url(self, name="postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t", "120", "start")

    def stop(self, mode="fast") -> None:
        """``fast`` (what ``systemctl stop`` does: open connections are closed) or ``immediate`` (a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "120", "stop", check=False)

    def is_running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def query(self, name: str, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(name), autocommit=True, connect_timeout=10) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayRedis:
    """A ``redis-server`` of its own on a port of ``FAULT_PORTS``, no persistence: ``stop()`` and ``start()`` it."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        self.process = None
        self.start()

    def url(self, db=0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), 30, f"redis-server on {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(30)
            self.process = None

    def close(self) -> None:
        self.stop()


def django_env(database_url: str, redis_url: str = "", **extra) -> dict:
    """The environment of a process of this project on those servers (test settings)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PYTEST_XDIST_WORKER")}
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "petitions_site.settings.test"})
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env: dict, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=check,
    )


def django_script(env: dict, code: str) -> str:
    """Run ``code`` in a fresh process with Django set up on ``env``; returns what it printed."""
    prelude = "import django; django.setup()\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode:
        raise RuntimeError(f"script failed:\n{result.stderr[-4000:]}")
    return result.stdout


def _no_control_socket() -> list[str]:
    """gunicorn 24+ opens a control socket at one path per user (~/.gunicorn): parallel test servers would share it."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []


class AppServer:
    """gunicorn serving this project on ``env`` (``gthread`` workers unless told otherwise); its log is kept."""

    def __init__(self, env: dict, workers=2, worker_class="gthread", threads=4, timeout=60, preload=False):
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="petitions-app-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [gunicorn, "petitions_site.wsgi:application", "-b", f"127.0.0.1:{self.port}", "-w", str(workers)]
            + ["-k", worker_class, "--threads", str(threads), "--timeout", str(timeout), "--graceful-timeout", "5"]
            + _no_control_socket()
            + (["--preload"] if preload else []),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

        def up():
            if self.process.poll() is not None:
                raise RuntimeError(f"app server exited:\n{self.read_log()[-4000:]}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=10)
                return True
            except urllib.error.HTTPError:
                return True  # it answers (a dependency may be down on purpose)
            except OSError:
                return False

        wait_for(up, 180, f"app server on {self.port}")  # a loaded machine boots Wagtail slowly

    def read_log(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def close(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        Path(self.log.name).unlink(missing_ok=True)
