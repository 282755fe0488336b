"""Unicode slugs (Wagtail's default): every URL, lookup and reverse that carries a petition's slug accepts them.

The petition's translations have the slugs an editor gets from Wagtail for a French, an Arabic and a Greek title.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import Locale

from tests.conftest import as_sent_by_a_form, signer
from tests.wagtail_petitions.conftest import client_for

pytestmark = pytest.mark.django_db

FRENCH = slugify("Protégeons le marsouin de la Baltique", allow_unicode=True)
ARABIC = slugify("احموا خنزير البحر", allow_unicode=True)
GREEK = slugify("Σώστε τη φώκαινα της Βαλτικής", allow_unicode=True)


def translate(petition, language, title, slug):
    locale, _ = Locale.objects.get_or_create(language_code=language)
    page = petition.copy_for_translation(locale, copy_parents=True)
    page.title, page.slug = title, slug
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def translations(make_petition):
    english = make_petition(slug="save-the-porpoise", title="Save the porpoise")
    return {
        "en": english,
        "fr": translate(english, "fr", "Protégeons le marsouin de la Baltique", FRENCH),
        "ar": translate(english, "ar", "احموا خنزير البحر", ARABIC),
        # Editors may give any translation any slug Wagtail accepts.
        "de": translate(english, "de", "Rettet den Schweinswal", GREEK),
    }


def test_the_slugs_are_what_wagtail_makes():
    assert FRENCH == "protégeons-le-marsouin-de-la-baltique"
    assert ARABIC == "احموا-خنزير-البحر"
    assert GREEK == "σώστε-τη-φώκαινα-της-βαλτικής"


@pytest.mark.parametrize("language", ["fr", "ar", "de"])
def test_reverse_percent_encodes_and_resolves_back(translations, language):
    slug = translations[language].slug
    url = reverse("widget_api:petition-detail", args=[slug])
    assert url == f"/api/v1/petitions/{quote(slug)}/"
    assert reverse("embed:widget", args=[slug]) == f"/embed/v1/petitions/{quote(slug)}/"


@pytest.mark.parametrize("language", ["fr", "ar", "de"])
def test_api_detail_count_challenge_and_signing_accept_the_slug(translations, api_client, language):
    page = translations[language]
    slug = quote(page.slug)

    detail = api_client.get(f"/api/v1/petitions/{slug}/?lang={language}")
    assert detail.status_code == 200, detail.content
    assert detail.json()["slug"] == page.slug and detail.json()["title"] == page.title

    signed = api_client.post(f"/api/v1/petitions/{slug}/signatures/", signer(1), format="json")
    assert signed.status_code == 201, signed.content
    assert signed.json()["signature_count"] == 1

    count = api_client.get(f"/api/v1/petitions/{slug}/count/?lang={language}")
    assert count.status_code == 200 and count.json()["slug"] == page.slug
    assert api_client.get(f"/api/v1/petitions/{slug}/challenge/").status_code == 200


def test_signing_form_token_is_found_for_a_unicode_slug(translations):
    assert "form_token" in str(as_sent_by_a_form(signer(), FRENCH))


@pytest.mark.parametrize("language", ["fr", "ar", "de"])
def test_widget_of_each_translation_renders(client, translations, language):
    page = translations[language]

    response = client.get(f"/embed/v1/petitions/{quote(page.slug)}/?lang={language}")

    assert response.status_code == 200
    html = response.content.decode()
    assert page.title in html
    assert quote(page.slug) in html  # the signing and count URLs, reversed


def test_every_translation_slug_finds_the_widget_in_the_language_asked(client, translations):
    response = client.get(f"/embed/v1/petitions/{quote(ARABIC)}/?lang=fr")
    assert response.status_code == 200
    assert "Protégeons le marsouin de la Baltique" in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_oembed_finds_a_translation_by_its_percent_encoded_or_raw_url(client, translations, language):
    page = translations[language]
    raw = f"http://testserver/{language}/{page.slug}/"
    for url in (raw, f"http://testserver/{language}/{quote(page.slug)}/"):
        response = client.get("/oembed", {"url": url})
        assert response.status_code == 200, (url, response.content)
        assert quote(page.slug) in response.json()["html"]


def test_petition_page_and_its_count_script_work_with_the_slug(client, translations):
    page = translations["fr"]
    response = client.get(f"/fr/{quote(FRENCH)}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-slug="{FRENCH}"' in html
    # count.js puts encodeURIComponent(slug) in place of __slug__: that URL resolves.
    template = reverse("widget_api:petition-count", args=["__slug__"])
    assert client.get(template.replace("__slug__", quote(page.slug))).status_code == 200


def test_embed_codes_page_answers_for_each_translation(client, editor, translations):
    client_for(client, editor)
    for language in ("fr", "ar", "de"):
        page = translations[language]
        response = client.get(
            reverse("wagtail_petitions_embed_code:index"), {"petition": page.pk, "lang": language}
        )
        assert response.status_code == 200, language
        assert f'data-petition="{page.slug}"' in response.context["script_code"]
        assert f"/embed/v1/petitions/{quote(page.slug)}/" in response.context["iframe_code"]


def test_signature_sheet_pdf_names_the_file_with_the_slug(client, editor, translations):
    client_for(client, editor)
    for language in ("fr", "ar"):
        page = translations[language]
        url = reverse("wagtail_petitions_sheets:sheet", args=[page.pk])
        assert client.get(url).status_code == 200
        pdf = client.get(url, {"format": "pdf"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert f"filename*=utf-8''{quote(f'signature-sheet-{page.slug}-{language}.pdf')}" in pdf["Content-Disposition"]


def test_api_list_offers_only_slugs_that_the_detail_answers(translations, api_client):
    for entry in api_client.get("/api/v1/petitions/").json():
        assert api_client.get(f"/api/v1/petitions/{quote(entry['slug'])}/").status_code == 200
