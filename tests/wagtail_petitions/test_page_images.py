"""Images on the petition page: Wagtail renditions with srcset/sizes, numbers never localised, alt text, and no
horizontal scroll on any screen from 320 to 1440 px (checked in Chromium)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import re_path
from django.utils import translation
from django.views.static import serve
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from petitions_site import urls as site_urls

# The site's URLs and the media files (renditions), which the site serves only with DEBUG: the browser test loads them.
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", lambda request, path: serve(request, path, document_root=settings.MEDIA_ROOT)),
    *site_urls.urlpatterns,
]

LONG_URL = "https://example.org/" + "a-very-long-path-segment-without-spaces" * 6


@pytest.fixture
def illustrated(make_petition, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A transactional test that ran before in this worker flushed the root collection Wagtail's migrations made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    hero = Image.objects.create(
        title="IMG_2031.jpg", description="Activists at the parliament", file=get_test_image_file(size=(2400, 1600))
    )
    photo = Image.objects.create(title="Porpoise", file=get_test_image_file("photo.png", size=(1800, 1200)))
    return make_petition(
        hero_image=hero,
        hero_caption="Outside the parliament",
        body=[
            ("paragraph", f"<p>Read {LONG_URL} before signing.</p>"),
            ("image", {"image": photo, "alt_text": "A porpoise in the Baltic", "caption": "", "credit": ""}),
            ("image", {"image": photo, "alt_text": "", "caption": "No alt text typed", "credit": ""}),
        ],
    )


def image_tags(html):
    return re.findall(r"<img\b[^>]*>", html)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_images_have_renditions_srcset_sizes_and_plain_numbers(illustrated, language):
    with translation.override(language):
        html = Client().get(illustrated.url).content.decode()

    tags = image_tags(html)
    assert len(tags) == 3, tags
    for tag in tags:
        assert 'srcset="' in tag and 'sizes="' in tag
        for name in ("width", "height"):
            # A localised number ("1,200", "1.200", "1 200") would be read as 1 by browsers.
            assert re.search(rf'\b{name}="\d+"', tag), tag
        widths = [int(w) for w in re.findall(r" (\d+)w", tag)]
        assert len(set(widths)) >= 3 and max(widths) <= 1600
    hero, first, second = tags
    assert "1600w" in hero and 'alt="Activists at the parliament"' in hero
    assert 'alt="A porpoise in the Baltic"' in first and 'loading="lazy"' in first
    # No alt text typed in the block: the image's own (Wagtail's default alt text), never an empty or missing alt.
    assert 'alt="Porpoise"' in second


@pytest.mark.django_db
def test_the_api_body_keeps_the_srcset(illustrated):
    body = illustrated.get_body_html()
    assert "srcset=" in body and "sizes=" in body


@pytest.mark.browser
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_the_page_never_scrolls_sideways_from_320_to_1440_px(illustrated, chromium, live_server):
    # The layout, not the page's CSP, is under test here: Playwright's wait_for_function polls with a string the
    # CSP (no 'unsafe-eval') may refuse. The CSP has its own browser test (tests/petitions_site).
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        for width in (320, 375, 390, 768, 1024, 1440):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + illustrated.url)
            page.wait_for_function(
                "Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0)", timeout=120_000
            )
            overflow = page.evaluate(
                """() => ({
                    scroll: document.documentElement.scrollWidth,
                    viewport: document.documentElement.clientWidth,
                    images: Array.from(document.images, (img) => img.getBoundingClientRect().right),
                    widths: Array.from(document.images, (img) => img.getBoundingClientRect().width),
                })"""
            )
            assert overflow["scroll"] <= overflow["viewport"], (width, overflow)
            assert all(right <= overflow["viewport"] for right in overflow["images"]), (width, overflow)
            # Drawn at the column's width, not 1 px wide from a localised width="1,200".
            assert min(overflow["widths"]) > min(width - 64, 600) * 0.9, (width, overflow)
    finally:
        context.close()
