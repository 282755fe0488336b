"""The figures page (``<petition URL>figures/``): the same numbers as the tally and the stats API, in every
language of the petition, charts as plain SVG (no script, no external reference), usable at 375 px without
horizontal scroll, no axe violation (WCAG 2.2 AA) in Chromium, and no request leaving our origin."""

import datetime
import re
from html import unescape
from pathlib import Path

import pytest

from tests.conftest import signer
from wagtail_petitions import moderation
from wagtail_petitions.models import PaperBatch, Partner
from wagtail_petitions.paper import record_paper_batch
from wagtail_petitions.signing import sign_petition

FIGURES = "/stop-spyware/figures/"


@pytest.fixture(autouse=True)
def _no_caches(settings):
    settings.WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS = 0
    settings.WAGTAIL_PETITIONS_FIGURES_CACHE_SECONDS = 0
    settings.WAGTAIL_PETITIONS_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def story(petition, partner, superuser):
    Partner.objects.filter(pk=partner.pk).update(listed=True)
    for n in range(4):
        sign_petition(petition, signer(n, country="FR", partner="drc" if n == 0 else ""))
    sign_petition(petition, signer(5, country="DE"))
    wrong = sign_petition(petition, signer(6, country="DE")).signature
    moderation.invalidate_signature(wrong, user=superuser, reason="a test entry")
    sign_petition(petition, signer(7), state="pending")
    record_paper_batch(
        PaperBatch(page=petition, country="SN", signature_count=1234, collected_on=datetime.date(2026, 11, 2)),
        user=superuser,
    )
    return petition


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " "))


@pytest.mark.django_db
def test_the_page_shows_the_tally_and_how_it_was_counted(client, story, api_client):
    response = client.get(FIGURES)
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    stats = api_client.get("/api/v1/petitions/stop-spyware/stats/").json()
    tally = story.get_tally(fresh=True)
    assert (tally.total, tally.online, tally.paper) == (1239, 5, 1234)
    assert "1,239 signatures in total" in text and "5 online" in text and "1,234 on paper" in text
    assert stats["totals"]["total"] == 1239
    # The country table: name, online, paper, total, share.
    assert "Senegal 0 1,234 1,234 99.6 %" in text
    assert "France 4 0 4 0.3 %" in text
    assert "Digital Rights Collective 1 0 1" in text
    # How this was counted, from the counts.
    assert "1 signature was invalidated by the organisers" in text
    assert "1 signature is waiting for that confirmation" in text or "1 of them is waiting" in text
    assert "1,234 signatures were collected on paper" in text and "The organisers: 1,234" in text
    # Day table and CSV links.
    assert "2026-11-02 0 1,234 1,234" in text
    assert 'href="/api/v1/petitions/stop-spyware/stats/?format=csv"' in html
    # The charts are inline SVG without script; the map is a same-origin SVG file.
    assert html.count("<svg") == 2 and "<script" not in html.split("</main>")[0]
    assert 'src="/stop-spyware/figures/map/"' in html


@pytest.mark.django_db
def test_charts_and_map_are_plain_svg_with_titles(client, story):
    html = client.get(FIGURES).content.decode()
    svg_map = client.get(FIGURES + "map/")
    assert svg_map["Content-Type"].startswith("image/svg+xml")
    for svg in [*re.findall(r"<svg.*?</svg>", html, re.S), svg_map.content.decode()]:
        assert "<script" not in svg
        assert not re.search(r"(?:href|src)=\"(?!#)", svg)
        assert "url(http" not in svg and "@import" not in svg
        assert "<title>" in svg and "<desc>" in svg


@pytest.mark.django_db
def test_the_petition_page_links_to_its_figures(client, petition):
    assert f'href="{FIGURES}"' in client.get("/stop-spyware/").content.decode()


@pytest.mark.django_db
def test_every_translation_has_the_figures_in_its_language(client, story, site_root):
    from wagtail.models import Locale

    french = Locale.objects.get_or_create(language_code="fr")[0]
    site_root.copy_for_translation(french).save_revision().publish()
    page = story.copy_for_translation(french)
    page.save_revision().publish()
    url = page.get_figures_url()
    assert url and url.endswith("/figures/")
    html = client.get(url).content.decode()
    assert '<html lang="fr"' in html
    assert "Sénégal" in html
    assert "Comment ces chiffres sont comptés" in html and "Signatures dans le temps" in html
    assert "1\u202f234" in html or "1 234" in html or "1\xa0234" in html


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")


AXE_JS = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_figures_page_fits_375px_has_no_axe_violation_and_stays_on_our_origin(chromium, live_server, story):
    context = chromium.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(live_server.url + FIGURES)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert page.evaluate("document.querySelector('img[src$=\"/figures/map/\"]').naturalWidth") > 0
        assert all(url.startswith(live_server.url) for url in requests), requests
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []
        assert context.cookies() == []
    finally:
        context.close()
