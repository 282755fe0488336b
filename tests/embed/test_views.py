"""The embed's server side: loader and its pinned copies, widget page (CSP, budgets, languages, theming), oEmbed."""

import base64
import gzip
import hashlib
import json
import re

import pytest
from wagtail.models import Locale

from embed.assets import load, release_path
from wagtail_petitions.models import Partner, PetitionStatus

pytestmark = pytest.mark.django_db

LOADER_BUDGET = 2 * 1024
WIDGET_BUDGET = 15 * 1024
LANGUAGES = ["en", "fr", "es", "de", "ar"]


def gzipped_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=9))


def translate(petition, language, title):
    locale, _ = Locale.objects.get_or_create(language_code=language)
    page = petition.copy_for_translation(locale, copy_parents=True)
    page.title = title
    page.summary = f"{title}: summary"
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def widget_url(petition, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/embed/v1/petitions/{petition.slug}/" + (f"?{query}" if query else "")


def inline_blocks(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)


def csp_directives(response) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split("; ")}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# --- loader ----------------------------------------------------------------------------------------------------


def test_loader_is_small_cached_briefly_and_loadable_from_anywhere(client):
    response = client.get("/embed/v1/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    cache_control = response["Cache-Control"]
    assert "max-age=300" in cache_control and "stale-while-revalidate=86400" in cache_control
    assert response["Access-Control-Allow-Origin"] == "*"
    assert gzipped_size(response.content) <= LOADER_BUDGET, gzipped_size(response.content)
    assert not response.cookies


def test_loader_injects_no_style_or_markup_and_never_evaluates_strings():
    code = load("loader.js").text
    for forbidden in ("eval(", "new Function", "innerHTML", "insertAdjacentHTML", "document.write", "<style", "<link"):
        assert forbidden not in code
    assert 'setAttribute("style"' not in code and ".cssText" not in code
    assert "postMessage" not in code  # the loader only listens; it never sends anything to a frame


def test_pinned_loader_is_immutable_and_matches_the_published_sri(client):
    manifest = client.get("/embed/v1/embed.json").json()
    asset = load("loader.js")
    assert manifest["version"] == asset.digest
    assert manifest["url"].endswith(f"/embed/v1/embed.{asset.digest}.js")
    pinned = client.get(f"/embed/v1/embed.{asset.digest}.js")
    assert pinned.status_code == 200
    assert "immutable" in pinned["Cache-Control"] and "max-age=31536000" in pinned["Cache-Control"]
    assert pinned["Access-Control-Allow-Origin"] == "*"  # SRI on a cross-origin script needs CORS
    expected = "sha384-" + base64.b64encode(hashlib.sha384(pinned.content).digest()).decode()
    assert manifest["integrity"] == expected
    assert client.get("/embed/v1/embed.0000000000000000.js").status_code == 404


def test_current_loader_is_kept_as_a_release():
    """A loader change must come with ``manage.py embed_release`` so pinned partners keep their exact bytes."""
    asset = load("loader.js")
    path = release_path(asset.digest)
    assert path.is_file(), "run: python manage.py embed_release"
    assert path.read_bytes() == asset.text.encode()


# --- widget page -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_widget_document_fits_the_budget_in_every_language(client, petition, partner, language):
    response = client.get(widget_url(petition, partner=partner.slug, lang=language))
    assert response.status_code == 200
    size = gzipped_size(response.content)
    assert size <= WIDGET_BUDGET, f"{language}: {size} bytes gzipped"


def test_widget_csp_allows_exactly_its_own_inline_code(client, petition, partner):
    response = client.get(widget_url(petition, partner=partner.slug, accent="0b57d0"))
    html = response.content.decode()
    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["require-trusted-types-for"] == ["'script'"] and csp["trusted-types"] == ["'none'"]
    scripts = [s for s in inline_blocks(html, "script")]
    styles = inline_blocks(html, "style")
    assert sorted(csp["script-src"]) == sorted(sha256_source(s) for s in scripts)
    assert sorted(csp["style-src"]) == sorted(sha256_source(s) for s in styles)
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "img-src" not in csp and "font-src" not in csp  # nothing loaded but the document itself
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "eval(" not in html and "new Function" not in html
    assert not response.cookies
    assert response["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in response  # partners frame it


def test_widget_shows_count_goal_partner_and_both_consent_choices(client, petition, partner):
    html = client.get(widget_url(petition, partner=partner.slug, lang="en")).content.decode()
    assert "Signed via Digital Rights Collective" in html
    assert 'name="consent_updates"' in html and 'name="consent_partner"' in html
    assert petition.consent_text in html
    for field in ("first_name", "last_name", "email", "country", "postal_code"):
        assert f'<label for="id_{field}">' in html
    config = json.loads(re.search(r'id="widget-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["partner"] == "drc" and config["goal"] == 1000 and config["count"] == 0
    assert config["signUrl"].endswith("?lang=en")


def test_widget_without_partner_offers_no_partner_consent(client, petition):
    Partner.objects.create(name="Gone", slug="gone", is_active=False)
    html = client.get(widget_url(petition, partner="gone")).content.decode()
    assert "consent_partner" not in html and "Gone" not in html


def test_reached_goal_moves_up(client, make_petition):
    from wagtail_petitions.models import TallyCounter
    petition = make_petition(goal=10)
    for _ in range(10):
        TallyCounter.objects.add(petition.translation_key)
    config = client.get(widget_url(petition)).content.decode()
    assert '"goal": 15' in config  # PetitionPage.get_displayed_goal: half as much again


@pytest.mark.parametrize(
    ("language", "label", "direction"),
    [
        ("fr", "Signer la pétition", "ltr"),
        ("es", "Firmar la petición", "ltr"),
        ("de", "Petition unterschreiben", "ltr"),
        ("ar", "وقّع العريضة", "rtl"),
        ("en", "Sign the petition", "ltr"),
    ],
)
def test_widget_speaks_the_requested_language(client, petition, partner, language, label, direction):
    response = client.get(widget_url(petition, partner=partner.slug, lang=language))
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}"' in html
    assert label in html
    assert response["Content-Language"] == language
    if language != "en":
        # The petition exists in English only: its own text says so, for screen readers.
        assert '<h1 lang="en" dir="ltr">' in html


def test_language_falls_back_to_the_browser_then_to_the_petition(client, make_petition):
    petition = make_petition()
    fr_page = translate(petition, "fr", "Stop aux logiciels espions")
    # No data-lang / host lang: the browser's language decides.
    html = client.get(widget_url(petition), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert '<html lang="de"' in html
    # A language the widget does not speak: the next browser language.
    html = client.get(widget_url(petition, lang="it"), HTTP_ACCEPT_LANGUAGE="it,es;q=0.5").content.decode()
    assert '<html lang="es"' in html
    # Nothing usable: the petition's own language (of the page the slug names first: the English original).
    html = client.get(widget_url(fr_page, lang="it"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<html lang="en"' in html


def test_translated_petition_text_is_used(client, petition):
    translate(petition, "fr", "Stop aux logiciels espions")
    html = client.get(widget_url(petition, lang="fr")).content.decode()
    assert "<h1>Stop aux logiciels espions</h1>" in html
    assert "Stop aux logiciels espions: summary" in html
    assert "?lang=fr" in html


@pytest.mark.parametrize(
    "accent",
    ["red;}body{display:none", "#12345g", "url(https://evil.example/x)", "</style><script>alert(1)</script>", "#fff;x"],
)
def test_theme_values_from_the_host_are_validated_never_injected(client, petition, accent):
    from urllib.parse import quote

    response = client.get(widget_url(petition, accent=quote(accent), theme="evil", layout="<b>"))
    html = response.content.decode()
    assert "evil" not in html and "<b>" not in html and "alert(1)" not in html
    assert len(inline_blocks(html, "style")) == 1  # no theme block at all
    assert "<html lang" in html and 'class="' not in html.split(">")[1]


def test_theme_accent_dark_and_compact(client, petition):
    html = client.get(widget_url(petition, accent="ffd700", theme="dark", layout="compact")).content.decode()
    assert 'class="dark compact"' in html
    # A light accent gets dark text on its buttons (contrast).
    assert "<style>:root{--accent:#ffd700;--on-accent:#000}</style>" in html
    html = client.get(widget_url(petition, accent="0B57D0")).content.decode()
    assert "--accent:#0b57d0;--on-accent:#fff" in html


def test_unknown_petition_is_404_with_the_same_csp(client, db):
    response = client.get("/embed/v1/petitions/no-such-petition/?lang=fr")
    assert response.status_code == 404
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "Cette pétition est introuvable." in response.content.decode()


def test_closed_petition_shows_no_form(client, make_petition):
    petition = make_petition(status="closed")
    html = client.get(widget_url(petition, lang="en")).content.decode()
    assert 'id="sign-form"' not in html
    assert "This petition is closed" in html


# --- oEmbed ----------------------------------------------------------------------------------------------------


def test_oembed_returns_a_rich_iframe(client, petition):
    response = client.get("/oembed", {"url": "http://testserver/stop-spyware/", "maxwidth": "400", "format": "json"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["width"] == 400 and data["height"] == 720
    assert data["title"] == petition.title
    # WordPress's shape (wp-includes/embed.php): a blockquote (which makes WordPress load wp-embed.js, its resizer)
    # linking to the page, then the iframe, borderless through the one attribute WordPress keeps for it.
    assert re.fullmatch(
        r'<blockquote><a href="http://testserver/stop-spyware/">Stop spyware</a></blockquote>'
        r'<iframe src="http://testserver/embed/v1/petitions/stop-spyware/\?lang=en" title="Stop spyware" '
        r'width="400" height="720" frameborder="0" [^<>]*></iframe>',
        data["html"],
    ), data["html"]
    assert "<script" not in data["html"]


def test_oembed_of_a_tracked_link_keeps_the_partner(client, petition, partner):
    data = client.get("/oembed", {"url": f"http://testserver/stop-spyware/?partner={partner.slug}"}).json()
    assert '/embed/v1/petitions/stop-spyware/?lang=en&amp;partner=drc&amp;via=tracked_link"' in data["html"]
    assert '<a href="http://testserver/stop-spyware/?partner=drc">' in data["html"]
    # An unknown or inactive partner is left out, the petition still embeds.
    data = client.get("/oembed", {"url": "http://testserver/stop-spyware/?partner=nobody"}).json()
    assert "partner=" not in data["html"]


def test_tracked_link_page_advertises_an_oembed_url_that_keeps_the_partner(client, petition, partner):
    html = client.get(f"/stop-spyware/?partner={partner.slug}").content.decode()
    assert "url=http%3A%2F%2Ftestserver%2Fstop-spyware%2F%3Fpartner%3Ddrc" in html


def test_oembed_finds_the_translation_the_url_names(client, petition):
    translate(petition, "fr", "Stop aux logiciels espions")
    data = client.get("/oembed", {"url": "http://testserver/fr/stop-spyware/"}).json()
    assert "lang=fr" in data["html"] and data["title"] == "Stop aux logiciels espions"


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/no-such-petition/",
        "http://elsewhere.example/stop-spyware/",
        "http://testserver/some/other/stop-spyware/",
        "http://testserver/",
        "javascript:alert(1)",
    ],
)
def test_oembed_unknown_url_is_404(client, petition, url):
    assert client.get("/oembed", {"url": url}).status_code == 404


def test_oembed_other_formats_are_501(client, petition):
    assert client.get("/oembed", {"url": "http://testserver/stop-spyware/", "format": "xml"}).status_code == 501


def test_petition_page_advertises_oembed(client, petition):
    html = client.get("/stop-spyware/").content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert link, "discovery link missing"
    href = link.group(1).replace("&amp;", "&")
    assert client.get(href).json()["type"] == "rich"


def test_widget_asks_for_the_fields_the_petition_asks_for(client, petition, monkeypatch):
    from django import forms

    from wagtail_petitions.forms import SignatureForm
    from wagtail_petitions.models import PetitionPage

    class WithMoreFields(SignatureForm):
        phone = forms.CharField(label="Phone", required=False, widget=forms.TextInput({"autocomplete": "tel"}))
        adult = forms.BooleanField(label="I am over 16")

    monkeypatch.setattr(PetitionPage, "signature_form_class", WithMoreFields)
    html = client.get(widget_url(petition, lang="en")).content.decode()
    assert '<label for="id_phone">Phone <span class="opt">(optional)</span></label>' in html
    assert '<label for="id_adult">I am over 16</label>' in html
    assert 'id="adult-error"' in html


def test_embed_release_prints_the_pinned_code_of_the_one_builder(db):
    from io import StringIO

    from django.core.management import call_command

    from embed.snippets import snippets

    out = StringIO()
    call_command("embed_release", "--site-url", "https://petitions.example.org", stdout=out)
    expected = snippets("https://petitions.example.org", "SLUG", "", partner="PARTNER")["pinned"]
    assert out.getvalue().strip().splitlines()[-1] == expected


# --- share step, privacy notice, petition link ---------------------------------------------------------------


def test_share_links_use_the_editors_share_text_and_keep_the_partner(client, make_petition, partner):
    petition = make_petition(share_text="Porpoises need you: sign now!")
    html = client.get(widget_url(petition, partner=partner.slug)).content.decode()

    assert "Porpoises%20need%20you%3A%20sign%20now%21" in html
    assert "http%3A%2F%2Ftestserver%2Fstop-spyware%2F%3Fpartner%3Ddrc" in html
    config = json.loads(re.search(r'<script id="widget-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["share"]["url"] == "http://testserver/stop-spyware/?partner=drc"
    assert config["share"]["text"] == "Porpoises need you: sign now!"


def test_share_redirect_sends_to_the_service_with_the_partners_link(client, petition, partner):
    response = client.get(f"/embed/v1/petitions/stop-spyware/share/whatsapp/?partner={partner.slug}&lang=fr")
    assert response.status_code == 302
    assert response["Location"].startswith("https://wa.me/?text=")
    assert "stop-spyware%2F%3Fpartner%3Ddrc" in response["Location"]
    assert not response.cookies
    assert client.get("/embed/v1/petitions/stop-spyware/share/evil/").status_code == 404
    assert client.get("/embed/v1/petitions/no-such/share/email/").status_code == 404
    assert client.get("/embed/v1/petitions/stop-spyware/share/email/")["Location"].startswith("mailto:?subject=")


def test_widget_shows_the_privacy_notice_and_links_the_full_petition(client, make_petition):
    petition = make_petition(privacy_text="We keep your data for 12 months. Write to privacy@example.org.")
    html = client.get(widget_url(petition)).content.decode()
    assert "We keep your data for 12 months. Write to privacy@example.org." in html
    assert re.search(r'<a href="http://testserver/stop-spyware/"[^>]*>Read the full petition</a>', html)


def test_signed_via_only_while_the_petition_is_open(client, make_petition, partner):
    petition = make_petition()
    assert f"Signed via {partner.name}" in client.get(widget_url(petition, partner=partner.slug)).content.decode()
    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()
    assert "Signed via" not in client.get(widget_url(petition, partner=partner.slug)).content.decode()
