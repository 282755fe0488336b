"""The Embed codes page: script, iframe and tracked link, in the petition's languages."""

import pytest
from django.urls import reverse

from embed.snippets import snippets
from tests.wagtail_petitions.conftest import client_for

pytestmark = pytest.mark.django_db


def test_embed_code_page_gives_script_iframe_and_tracked_link(client, editor, petition, partner):
    client_for(client, editor)

    response = client.get(
        reverse("wagtail_petitions_embed_code:index"), {"petition": petition.pk, "partner": partner.pk, "lang": "en"}
    )

    assert response.status_code == 200
    context = response.context
    assert context["script_code"] == (
        '<script async src="http://testserver/embed/v1/embed.js" '
        'data-petition="stop-spyware" data-partner="drc" data-lang="en"></script>'
    )
    assert context["iframe_code"].startswith(
        '<iframe src="http://testserver/embed/v1/petitions/stop-spyware/?lang=en&amp;partner=drc" title="Stop spyware" '
    )
    # The codes of the one builder that oEmbed and the command use too: same iframe, same size.
    assert (
        context["iframe_code"] == snippets("http://testserver/", "stop-spyware", "Stop spyware", "en", "drc")["iframe"]
    )
    assert context["tracked_link"] == "http://testserver/stop-spyware/?partner=drc"
    html = response.content.decode()
    assert '<iframe src="http://testserver/embed/v1/petitions/stop-spyware/?lang=en&amp;partner=drc"' in html
    # The tracked link carries the partner into the page's form.
    page = client.get(context["tracked_link"]).content.decode()
    assert 'name="partner" value="drc"' in page


def test_embed_code_page_opened_from_a_translation_uses_its_language(
    client, editor, petition, site_root, french, partner
):
    site_root.copy_for_translation(french).save_revision().publish()
    french_page = petition.copy_for_translation(french)
    french_page.title = "Stop aux logiciels espions"
    french_page.save_revision().publish()
    client_for(client, editor)

    context = client.get(reverse("wagtail_petitions_embed_code:index"), {"petition": french_page.pk}).context

    assert 'data-lang="fr"' in context["script_code"] and "data-partner" not in context["script_code"]
    assert 'title="Stop aux logiciels espions"' in context["iframe_code"]
    assert context["tracked_link"] == "http://testserver/fr/stop-spyware/"
    assert context["form"].initial["petition"] == petition.pk  # one entry per petition in the chooser
