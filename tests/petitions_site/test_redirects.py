"""Wagtail's automatic redirects never send a page's own URL back to itself (``petitions_site.redirects``)."""

import pytest
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page

from tests.wagtail_petitions.conftest import client_for
from tests.wagtail_petitions.models.test_pages_sync import open_editor, post_edit
from wagtail_petitions.models import PetitionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_draft(client, admin_user, petition, site_root):
    """A French translation made in the admin, not yet published, under a published French index page."""
    client_for(client, admin_user)
    french = Locale.objects.get_or_create(language_code="fr")[0]
    for page in (site_root, petition):
        response = client.post(
            reverse("simple_translation:submit_page_translation", args=[page.pk]), {"locales": [french.pk]}
        )
        assert response.status_code == 302
    Page.objects.get(translation_key=site_root.translation_key, locale=french).specific.save_revision().publish()
    return PetitionPage.objects.get(translation_key=petition.translation_key, locale=french)


def autosave_slugs(client, page, slugs, capture):
    """Autosave the editor's form with each slug in turn, as the slug of a page never published follows the title
    being typed; each commit sends ``page_slug_changed``."""
    loaded = open_editor(client, page)
    for slug in slugs:
        with capture(execute=True):
            response = post_edit(client, page, PetitionPage.objects.get(pk=page.pk), loaded, autosave=True, slug=slug)
        revision = str(response.json()["revision_id"])
        loaded = {"loaded_revision_id": revision, "overwrite_revision_id": revision}
        loaded["loaded_revision_created_at"] = response.json()["revision_created_at"]


@pytest.mark.parametrize("slugs", [["stop-aux", "stop-spyware"], ["arrêtez-les", "pétition", "arrêtez-les"]])
def test_a_slug_changed_and_changed_back_leaves_no_redirect_from_the_page_to_itself(
    client, french_draft, django_capture_on_commit_callbacks, slugs
):
    autosave_slugs(client, french_draft, slugs, django_capture_on_commit_callbacks)

    page = PetitionPage.objects.get(pk=french_draft.pk)
    assert page.slug == slugs[-1] and not page.live
    own_path = Redirect.normalise_path(page.url)
    assert not Redirect.objects.filter(old_path=own_path).exists()
    client.logout()
    response = client.get(page.url)
    # Not live: not found, rather than a permanent redirect to the same URL.
    assert response.status_code == 404
    # The URLs it had meanwhile still lead to it.
    stale = Redirect.objects.get(old_path=f"/fr/{slugs[-2]}")
    assert stale.redirect_page_id == page.pk and Redirect.normalise_path(stale.link) == own_path
