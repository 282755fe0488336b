"""Shared fixtures: a published petition (with its index page as the site root), partners, API client."""

import os

import pytest
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

# Playwright's sync API keeps an event loop in the test thread; Django would then refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PETITION_TEXTS = {
    "summary": "Ask governments to stop exporting spyware to regimes that abuse it.",
    "target": "UN member states",
    "consent_text": "We keep your name, email and country to count your signature.",
    "thank_you_text": "Thank you for signing.",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


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
    from rest_framework.test import APIClient

    return APIClient()


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
