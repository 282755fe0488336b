"""Printable signature sheets, as HTML and PDF, in each translation's language."""


import pytest
from django.urls import reverse

from tests.wagtail_petitions.conftest import client_for

pytestmark = pytest.mark.django_db


def test_signature_sheet_prints_and_downloads_as_pdf(client, editor, make_petition):
    petition = make_petition(privacy_text="Sheets are destroyed once counted.")
    client_for(client, editor)
    url = reverse("wagtail_petitions_sheets:sheet", args=[petition.pk])

    html = client.get(url, {"rows": 12}).content.decode()
    assert "@page { size: A4" in html and petition.summary in html
    assert "Sheets are destroyed once counted." in html
    assert html.count('<td class="n">') == 12 and '<td class="n">12</td>' in html

    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000
    assert "signature-sheet-stop-spyware-en.pdf" in pdf["Content-Disposition"]


def test_signature_sheet_is_in_the_language_of_the_translation(client, editor, petition, site_root, french):
    site_root.copy_for_translation(french).save_revision().publish()
    french_page = petition.copy_for_translation(french)
    french_page.title = "Stop aux logiciels espions"
    french_page.save_revision().publish()
    client_for(client, editor)

    html = client.get(reverse("wagtail_petitions_sheets:sheet", args=[french_page.pk])).content.decode()

    assert '<html lang="fr">' in html and "Stop aux logiciels espions" in html
    assert "Prénom et nom" in html and "Pays ou code postal" in html
    # A link to the sheet of each other language.
    assert reverse("wagtail_petitions_sheets:sheet", args=[petition.pk]) in html
