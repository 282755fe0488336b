"""``widget_api.i18n.LocaleMiddleware``: API answers follow ``?lang=`` only; pages keep Django's behaviour."""

import pytest
from django.utils import translation
from django.utils.cache import cc_delim_re

from tests.conftest import signer

pytestmark = pytest.mark.django_db


def vary(response) -> set[str]:
    return {value.lower() for value in cc_delim_re.split(response.get("Vary", "")) if value}


def test_api_language_ignores_accept_language(api_client, petition):
    response = api_client.post(
        f"/api/v1/petitions/{petition.slug}/signatures/",
        {**signer(), "first_name": ""},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["first_name"][0]["message"] == "This field is required."
    assert response["Content-Language"] == "en"
    assert "accept-language" not in vary(response)


def test_api_language_from_the_query(api_client, petition):
    response = api_client.post(
        f"/api/v1/petitions/{petition.slug}/signatures/?lang=fr-CA", {**signer(), "first_name": ""}, format="json"
    )
    with translation.override("fr"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required."
    assert response.json()["errors"]["first_name"][0]["message"] == required
    assert response["Content-Language"] == "fr"


def test_count_is_one_copy_for_every_browser_language(api_client, petition):
    """A CDN must not keep one copy of the count per ``Accept-Language``."""
    english = api_client.get(f"/api/v1/petitions/{petition.slug}/count/", HTTP_ACCEPT_LANGUAGE="en")
    german = api_client.get(f"/api/v1/petitions/{petition.slug}/count/", HTTP_ACCEPT_LANGUAGE="de")
    assert english.status_code == german.status_code == 200
    assert english.content == german.content
    assert "accept-language" not in vary(english) | vary(german)


def test_pages_keep_djangos_language_choice(client, petition):
    response = client.get(petition.url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    # The default language has no URL prefix, so Django answers in LANGUAGE_CODE and says it may vary.
    assert response["Content-Language"] == "en"
    assert "accept-language" in vary(response)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "fr",
        "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5",
        "en;q=0.2, ar",
        "de;q=0, es",
        "ES-es,  pt;q=0.3 ,it",
        "x-klingon;q=0.9, en-GB;q=0.95",
    ],
)
def test_accept_language_is_read_as_django_reads_it(header):
    """Our reader uses no private Django API; it orders the tags as Django's own parser does."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    from widget_api.i18n import accepted_languages

    django_order = [tag for tag, q in parse_accept_lang_header(header) if tag != "*" and q > 0]
    assert [tag.lower() for tag in accepted_languages(header)] == [tag.lower() for tag in django_order]


def test_a_malformed_accept_language_entry_is_skipped_not_the_whole_header():
    from widget_api.i18n import accepted_languages

    assert accepted_languages("garbage;;q=, fr;q=0.5, de") == ["de", "fr"]
