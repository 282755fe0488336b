"""App servers (gunicorn) on the tests' own PostgreSQL and Redis, which the tests here stop and start again."""

import itertools
import json
import urllib.parse
from http.client import HTTPConnection

import pytest

from tests.services import AppServer, django_env, django_script, manage

# What the fault tests sign: a published petition counting at once, under a site root, as ``make_petition`` makes.
PETITION_SCRIPT = """
from wagtail.models import Site
from tests.conftest import PETITION_TEXTS, wagtail_tree_root
from wagtail_petitions.models import PetitionIndexPage, PetitionPage

root = wagtail_tree_root()
index = PetitionIndexPage(title="Petitions", slug="petitions-index")
root.add_child(instance=index)
site = Site.objects.get(is_default_site=True)
site.root_page = index
site.save()
petition = PetitionPage(
    title="Stop spyware", slug="stop-spyware", goal=1000, live=True, confirmation_required=False, **PETITION_TEXTS
)
index.add_child(instance=petition)
petition.save_revision().publish()
print(petition.pk)
"""
_numbers = itertools.count()


@pytest.fixture(scope="session")
def fault_template(throwaway_postgres):
    """A migrated database with the petition on the throwaway PostgreSQL; each test signs into a copy of it."""
    url = throwaway_postgres.create_database("fault_template")
    env = django_env(url)
    manage(env, "migrate", "--noinput", "-v0")
    page_id = int(django_script(env, PETITION_SCRIPT).strip())
    return {"name": "fault_template", "page_id": page_id}


@pytest.fixture
def fault_database(throwaway_postgres, fault_template):
    """A fresh copy of the template database: ``(url, name, page id)``."""
    name = f"fault_{next(_numbers)}"
    throwaway_postgres._run(
        "createdb",
        "-h",
        "127.0.0.1",
        "-p",
        str(throwaway_postgres.port),
        "-U",
        "postgres",
        "-T",
        fault_template["name"],
        name,
    )
    return throwaway_postgres.url(name), name, fault_template["page_id"]


@pytest.fixture
def fresh_redis(throwaway_redis):
    """The throwaway Redis, running and empty."""
    import redis

    if throwaway_redis.process is None:
        throwaway_redis.start()
    redis.Redis.from_url(throwaway_redis.url()).flushall()
    return throwaway_redis


@pytest.fixture
def app_servers():
    """Start app servers with ``start(env, **options)``; all are stopped when the test ends."""
    started = []

    def start(env, **options):
        server = AppServer(env, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def postgres_back(throwaway_postgres):
    """Whatever a test does to the throwaway PostgreSQL, it runs again afterwards."""
    yield throwaway_postgres
    if not throwaway_postgres.is_running():
        throwaway_postgres.start()


def http(url, data=None, *, method=None, headers=None, timeout=60):
    """``(status, headers, body bytes)`` of one HTTP request (no redirect followed); errors are answers too.
    ``data``: bytes as they are, anything else as JSON."""
    parts = urllib.parse.urlsplit(url)
    body = data if data is None or isinstance(data, bytes) else json.dumps(data).encode()
    headers = {**({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})}
    connection = HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method or ("POST" if body is not None else "GET"), path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
