"""Shared fixtures: a published petition (with its index page as the site root), partners, API client."""

import os
import shutil
import time
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from wagtail.models import Locale, Page, Site

from petitions_site.mail_catcher import MailCatcher

# Property tests never depend on how fast the machine is (the suite runs on loaded 2-core machines): no deadline per
# example and no "data generation too slow" health check.
hypothesis_settings.register_profile("petitions", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("petitions")

# Playwright's sync API keeps an event loop in the test thread; Django would then refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PETITION_TEXTS = {
    "summary": "Ask governments to stop exporting spyware to regimes that abuse it.",
    "target": "UN member states",
    "consent_text": "We keep your name, email and country to count your signature.",
    "thank_you_text": "Thank you for signing.",
}


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, one per test process. Browser tests skip only when Chromium is
    absent; with PETITIONS_REQUIRE_BROWSER=1 (CI) they fail instead."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("PETITIONS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but PETITIONS_REQUIRE_BROWSER=1 (apt-get install -y chromium)")
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _clear_cache():
    from wagtail_petitions.models.consent import forget_known_texts
    from wagtail_petitions.outages.database import breaker

    cache.clear()
    forget_known_texts()
    # A page served in another language leaves it active in this thread (Django's LocaleMiddleware does not put
    # it back): every test starts in the default language, whatever ran before it.
    translation.deactivate()
    yield
    cache.clear()
    forget_known_texts()
    translation.deactivate()
    breaker.reset()  # a test that failed to connect does not leave the next ones answered 503


def wagtail_tree_root():
    """Wagtail's tree root and default site, put back if a transactional test flushed them.

    Transactional tests (browser, concurrency) empty every table when they end, taking with them the rows that
    Wagtail's migrations created; tests that run after them in the same worker need them back.
    """
    locale, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)
    return root


@pytest.fixture
def site_root(db):
    from wagtail_petitions.models import PetitionIndexPage

    root = wagtail_tree_root()
    index = PetitionIndexPage(title="Petitions", slug="petitions-index")
    root.add_child(instance=index)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True, site_name="Petitions")
    site.root_page = index
    site.hostname = "testserver"
    site.port = 80
    site.save()
    return index


@pytest.fixture
def make_petition(site_root):
    from wagtail_petitions.models import PetitionPage

    def make(slug="stop-spyware", title="Stop spyware", parent=None, publish=True, **fields):
        # Petitions of the tests count signatures at once unless a test asks for email confirmation (the default of
        # a new petition in the admin).
        fields.setdefault("confirmation_required", False)
        petition = PetitionPage(
            title=title, slug=slug, goal=fields.pop("goal", 1000), live=publish, **{**PETITION_TEXTS, **fields}
        )
        (parent or site_root).add_child(instance=petition)
        if publish:
            petition.save_revision().publish()
            petition.refresh_from_db()
        return petition

    return make


@pytest.fixture
def petition(make_petition):
    return make_petition()


@pytest.fixture
def partner(db):
    from wagtail_petitions.models import Partner

    return Partner.objects.create(
        name="Digital Rights Collective", slug="drc", allowed_origins="https://partner.example\nhttp://127.0.0.1:8001"
    )


@pytest.fixture
def api_client():
    """DRF's test client; a dict it posts to a petition's signing endpoint carries the form token the widget would
    send (``as_sent_by_a_form``), so tests that are not about the defences sign as a person does."""
    from rest_framework.test import APIClient

    class WidgetLikeClient(APIClient):
        def post(self, path, data=None, *args, **kwargs):
            parts = path.split("?")[0].split("/")
            if isinstance(data, dict) and parts[-2:] == ["signatures", ""] and "petitions" in parts:
                data = as_sent_by_a_form(data, unquote(parts[parts.index("petitions") + 1]))
            return super().post(path, data, *args, **kwargs)

    return WidgetLikeClient()


_tokens: dict = {}


def form_token(petition) -> dict:
    """The signed form token a signing form of ``petition`` carries, issued a minute before the first use (a
    person's fill time): what the page and the widget send, for tests that sign through HTTP. The same token for
    every request of a petition, as from one form: a retry's body is the same."""
    from wagtail_petitions.defence.tokens import TOKEN_FIELD, issue_form_token

    key = petition.get_tally_key()
    if key not in _tokens:
        _tokens[key] = issue_form_token(petition, now=time.time() - 60)
    return {TOKEN_FIELD: _tokens[key]}


def as_sent_by_a_form(data, slug="stop-spyware"):
    """``data`` (a signer's fields) with the form token that the page or widget of the petition ``slug`` sends."""
    from wagtail_petitions.lookup import find_petition

    petition = find_petition(slug) if isinstance(data, dict) else None
    return data if petition is None else {**form_token(petition), **data}


def signer(n=0, **overrides):
    """Valid signing data for signer number ``n``."""
    return {
        "first_name": f"Ada{n}",
        "last_name": "Lovelace",
        "email": f"ada{n}@example.org",
        "country": "FR",
        "consent_updates": False,
        **overrides,
    }


@pytest.fixture(scope="session")
def throwaway_postgres():
    """A PostgreSQL of the tests' own (``tests.services``), on a port of their range: stop it, restart it. The shared
    server is never touched."""
    from tests.services import ThrowawayPostgres, postgres_bin_dir

    if postgres_bin_dir() is None:
        pytest.skip("PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin)")
    server = ThrowawayPostgres()
    yield server
    server.close()


@pytest.fixture(scope="session")
def throwaway_redis():
    """A ``redis-server`` of the tests' own (``tests.services``): stop it, restart it."""
    from tests.services import ThrowawayRedis

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis()
    yield server
    server.close()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (the demo's mail catcher) that the site's mail goes to."""
    catcher = MailCatcher().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = catcher.host, catcher.port
    yield catcher
    catcher.stop()
