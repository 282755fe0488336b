"""The widget's signing request: localised errors (``?lang=``), CORS for the sandboxed iframe (``Origin: null``),
and committed translation catalogues that cover every string."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.conftest import form_token, signer

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(__file__).resolve().parents[2] / "embed" / "locale"
LANGUAGES = ["fr", "es", "de", "ar"]


def sign_url(petition, lang=None):
    return f"/api/v1/petitions/{petition.slug}/signatures/" + (f"?lang={lang}" if lang else "")


@pytest.mark.parametrize(
    ("lang", "email"),
    [
        ("fr", "Saisissez une adresse e-mail valide."),
        ("de", "Geben Sie eine gültige E-Mail-Adresse ein."),
        ("es", "Introduce una dirección de correo electrónico válida."),
        ("ar", "أدخل عنوان بريد إلكتروني صالحًا."),
        ("en", "Enter a valid email address."),
    ],
)
def test_signing_errors_come_back_in_the_widget_language(api_client, petition, lang, email):
    response = api_client.post(sign_url(petition, lang), {**signer(), "first_name": "", "email": "nope"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    with translation.override(lang):
        required = translation.gettext("This field is required.")
    assert (required == "This field is required.") == (lang == "en")
    assert errors["first_name"] == [{"code": "required", "message": required}]
    assert errors["email"] == [{"code": "invalid", "message": email}]
    assert response["Content-Language"] == lang


def test_unknown_lang_keeps_the_default(api_client, petition):
    response = api_client.post(sign_url(petition, "xx"), {**signer(), "first_name": ""}, format="json")
    assert response.json()["errors"]["first_name"][0]["message"] == "This field is required."


def test_sandboxed_widget_may_sign_and_read_the_count_without_credentials(client, petition):
    preflight = client.options(
        sign_url(petition, "en"),
        HTTP_ORIGIN="null",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,idempotency-key",
    )
    assert preflight["Access-Control-Allow-Origin"] == "null"
    assert "idempotency-key" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
    response = client.post(
        sign_url(petition, "en"),
        {**signer(), **form_token(petition)},
        content_type="application/json",
        HTTP_ORIGIN="null",
    )
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "null"
    assert not response.cookies
    count = client.get(f"/api/v1/petitions/{petition.slug}/count/", HTTP_ORIGIN="null")
    assert count["Access-Control-Allow-Origin"] == "null"


def test_null_origin_is_not_allowed_elsewhere_in_the_api(client, petition):
    for path in ("/api/v1/petitions/", f"/api/v1/petitions/{petition.slug}/"):
        response = client.get(path, HTTP_ORIGIN="null")
        assert "Access-Control-Allow-Origin" not in response


def test_unregistered_origins_still_get_no_cors(client, petition, partner):
    response = client.get(f"/api/v1/petitions/{petition.slug}/count/", HTTP_ORIGIN="https://stranger.example")
    assert "Access-Control-Allow-Origin" not in response
    response = client.get(f"/api/v1/petitions/{petition.slug}/count/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "https://partner.example"


def _po_entries(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, flags=re.M)
        if m.group(1)  # the header
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete_and_compiled(lang):
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    assert "#, fuzzy" not in po_path.read_text(encoding="utf-8"), "review the fuzzy translations (not compiled)"
    po = _po_entries(po_path)
    english = _po_entries(LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po").keys()
    assert po.keys() == english, "every language has the same strings"
    assert all(po.values()), [k for k, v in po.items() if not v]
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo", "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    for msgid, msgstr in po.items():
        unescaped = msgid.replace('\\"', '"')
        assert compiled.gettext(unescaped) == msgstr.replace('\\"', '"'), f"{lang}: stale .mo for {msgid!r}"


def test_every_widget_string_is_in_the_catalogue(client, petition, partner):
    """Render in French and look for any English left from the widget's own template."""
    html = client.get(f"/embed/v1/petitions/{petition.slug}/?lang=fr&partner={partner.slug}").content.decode()
    for english in (
        "Sign the petition",
        "Thank you for signing!",
        "Goal:",
        "optional",
        "Signed via",
        "First name",
        "Country",
        "Postal code",
        "Ask others",
        "so far",
        "Sending your signature",
    ):
        assert english not in html, english
