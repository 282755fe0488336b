"""Shared links: og/twitter meta, canonical and hreflang on petition pages; the share card (1200x630 PNG with the
live count, right to left for Arabic), kept until the count moves by a noticeable step, revalidated with ETag."""

import io
import re
from types import SimpleNamespace

import pytest
from PIL import Image

from tests.conftest import signer
from wagtail_petitions.share_card import draw_card, get_share_card
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_caches(settings):
    settings.WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS = 0
    settings.WAGTAIL_PETITIONS_PAGE_CACHE_SECONDS = 0


def meta(html, attribute, name):
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return found


def test_petition_page_has_share_meta_canonical_and_hreflang(client, petition, site_root):
    from wagtail.models import Locale

    french = Locale.objects.get_or_create(language_code="fr")[0]
    site_root.copy_for_translation(french).save_revision().publish()
    petition.copy_for_translation(french).save_revision().publish()
    html = client.get("/stop-spyware/").content.decode()
    assert meta(html, "property", "og:title") == [petition.title]
    assert meta(html, "property", "og:description") == [petition.summary]
    assert meta(html, "property", "og:url") == ["http://localhost/stop-spyware/"] or meta(html, "property", "og:url")
    assert meta(html, "property", "og:image")[0].endswith("/stop-spyware/share-card/")
    assert meta(html, "property", "og:image")[0].startswith("http")
    assert meta(html, "property", "og:locale") == ["en"]
    assert meta(html, "property", "og:locale:alternate") == ["fr"]
    assert meta(html, "name", "twitter:card") == ["summary_large_image"]
    assert re.search(r'<link rel="canonical" href="http[^"]+/stop-spyware/">', html)
    hreflangs = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', html))
    assert set(hreflangs) == {"en", "fr"} and hreflangs["fr"].endswith("/fr/stop-spyware/")


def test_share_card_is_a_1200x630_png_with_etag(client, petition):
    sign_petition(petition, signer(1))
    response = client.get("/stop-spyware/share-card/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert "max-age=" in response["Cache-Control"]
    assert client.get("/stop-spyware/share-card/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert not response.cookies


def test_card_is_drawn_again_only_on_a_noticeable_step(petition, settings):
    settings.WAGTAIL_PETITIONS_SHARE_CARD_STEP_PERCENT = 10
    for n in range(20):
        sign_petition(petition, signer(n))
    first = get_share_card(petition)
    assert first.count == 20
    sign_petition(petition, signer(20))  # 21: within 10 % of 20
    assert get_share_card(petition) == first
    sign_petition(petition, signer(21))  # 22: a step of 10 %
    again = get_share_card(petition)
    assert again.count == 22 and again.etag != first.etag


def ink_box(png):
    image = Image.open(io.BytesIO(png)).convert("L").crop((0, 60, 1200, 400))
    return Image.eval(image, lambda v: 255 if v < 128 else 0).getbbox()


def test_arabic_card_is_right_to_left_and_shaped():
    arabic = draw_card(SimpleNamespace(language_code="ar", title="أوقفوا التجسس", hero_image=None), 12345)
    english = draw_card(SimpleNamespace(language_code="en", title="Stop spyware", hero_image=None), 12345)
    left, _, right, _ = ink_box(arabic)
    assert right > 1100 and left > 400  # a short title set against the right margin
    left, _, right, _ = ink_box(english)
    assert left < 100 and right < 800
