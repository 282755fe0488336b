"""What signers read comes in their language: the committed catalogues of ``wagtail_petitions/locale`` translate
every string of the public pages, mails and forms in fr, es, de and ar, are compiled, and pages use them.
Admin-only strings may stay empty in es, de and ar: they fall back to English."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.conftest import signer
from wagtail_petitions.confirmation import tokens
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(__file__).resolve().parents[2] / "wagtail_petitions" / "locale"
EMBED_LOCALE_DIR = Path(__file__).resolve().parents[2] / "embed" / "locale"
LANGUAGES = ["fr", "es", "de", "ar"]
# Sources whose strings a signer, a journalist or a sharing site reads (the "#:" references of the catalogue); the
# paper signature sheet is printed from the admin but read and filled in by signers.
PUBLIC_SOURCE = re.compile(
    r"^(templates/wagtail_petitions/(?!admin/|panels/|mail/webhook_disabled)|templates/wagtail_petitions/admin/"
    r"signature_sheet\.html|admin/sheet_pdf\.py|public_figures|figures|charts\.py|share_card|badge|confirmation/|"
    r"rights/|updates/(?!admin)|mail/|outages/|forms\.py|views\.py|text\.py|choices\.py)"
)
# Signer-facing strings of modules that otherwise hold editors' strings.
PUBLIC_MSGID = re.compile(r"^We keep your name, email and postal code until ")
_ENTRY = re.compile(
    r'(?P<refs>(?:^#: .*\n)*)(?:^#,.*\n)?^msgid "(?P<msgid>.*)"\n(?:^msgid_plural ".*"\n)?(?P<strs>(?:^msgstr.*\n)+)',
    flags=re.M,
)


def _catalogue(lang: str, locale_dir: Path = LOCALE_DIR) -> list[tuple[list[str], str, list[str]]]:
    """(source references, msgid, msgstrs) of every entry; the files are written with ``--no-wrap``."""
    text = (locale_dir / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for match in _ENTRY.finditer(text):
        if not match.group("msgid"):
            continue  # the header
        refs = [ref.rsplit(":", 1)[0] for line in match.group("refs").splitlines() for ref in line[3:].split()]
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', match.group("strs"), flags=re.M)
        entries.append((refs, match.group("msgid"), strs))
    return entries


@pytest.mark.parametrize("lang", LANGUAGES)
def test_signer_facing_strings_are_translated_and_compiled(lang):
    text = (LOCALE_DIR / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "review the fuzzy translations (not compiled)"
    entries = _catalogue(lang)
    public = [
        (msgid, strs)
        for refs, msgid, strs in entries
        if any(PUBLIC_SOURCE.match(ref) for ref in refs) or PUBLIC_MSGID.match(msgid)
    ]
    assert len(public) > 170
    assert [msgid for msgid, strs in public if not all(strs)] == []
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo", "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    for _refs, msgid, strs in entries:
        if len(strs) == 1 and strs[0]:
            assert compiled.gettext(msgid.replace('\\"', '"')) == strs[0].replace('\\"', '"'), f"stale .mo: {msgid}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_strings_in_both_catalogues_read_the_same(lang):
    """The widget and the page show the same labels: a consent label is hashed into the consent version."""
    embed = {msgid: strs for _refs, msgid, strs in _catalogue(lang, EMBED_LOCALE_DIR)}
    shared = [(msgid, strs) for _refs, msgid, strs in _catalogue(lang) if msgid in embed]
    assert len(shared) > 10
    assert [msgid for msgid, strs in shared if strs != embed[msgid]] == []


def test_the_confirmation_page_of_a_french_petition_is_in_french(make_petition, site_root, french, client):
    petition = make_petition(confirmation_required=True)
    site_root.copy_for_translation(french).save_revision().publish()
    french_page = petition.copy_for_translation(french)
    french_page.save_revision().publish()
    french_page.refresh_from_db()
    signature = sign_petition(french_page.specific, signer(1)).signature
    html = client.get(f"/petitions/confirm/{tokens.make_token(french_page.pk, signature.pk)}/").content.decode()
    assert '<html lang="fr"' in html
    assert "Confirmer ma signature" in html and "Confirm my signature" not in html


def test_the_my_signatures_page_speaks_the_browsers_language(client):
    """Its URL has no language prefix and no petition: the browser's language, else English."""
    french = client.get("/petitions/my-signatures/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9, en;q=0.5")
    html = french.content.decode()
    assert '<html lang="fr"' in html
    assert "Mes signatures" in html and "Envoyez-moi le lien" in html and "Send me the link" not in html
    assert french["Content-Language"] == "fr" and "Accept-Language" in french["Vary"]
    refused = client.post("/petitions/my-signatures/", {"email": "nope"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert refused.status_code == 400 and "أرسلوا إليّ الرابط" in refused.content.decode()
    assert '<html lang="ar" dir="rtl"' in refused.content.decode()
    english = client.get("/petitions/my-signatures/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "Send me the link" in english.content.decode() and english["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("lang", "english", "translated"),
    [
        ("es", "Erase this signature", "Borrar esta firma"),
        ("de", "Confirm my signature", "Meine Unterschrift bestätigen"),
        ("ar", "My signatures", "توقيعاتي"),
        ("fr", "How this was counted", "Comment ces chiffres sont comptés"),
    ],
)
def test_signer_strings_in_each_language(lang, english, translated):
    with translation.override(lang):
        assert translation.gettext(english) == translated


def test_arabic_plurals_follow_the_arabic_rule():
    with translation.override("ar"):
        texts = [translation.ngettext("%(count)s signature", "%(count)s signatures", n) % {"count": n} for n in (3, 11)]
    assert texts == ["3 توقيعات", "11 توقيعًا"]


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("fr", "signature au total", "signatures au total"), ("es", "firma en total", "firmas en total")],
)
def test_the_figures_total_is_pluralised(lang, one, many):
    msgid, plural = "<strong>%(total)s</strong> signature in total", "<strong>%(total)s</strong> signatures in total"
    with translation.override(lang):
        assert translation.ngettext(msgid, plural, 1).endswith(one)
        assert translation.ngettext(msgid, plural, 5).endswith(many)
