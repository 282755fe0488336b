"""Reports, partner snippets, embed codes, signature sheets and the demo content."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions.models import PaperBatch, Partner, PetitionPage, Signature
from wagtail_petitions.paper import record_paper_batch

pytestmark = pytest.mark.django_db


def test_petition_report_counts_by_country_partner_and_day(client, editor, petition, signed, superuser):
    record_paper_batch(
        PaperBatch(page=petition, country="BE", signature_count=30, collected_on=datetime.date(2026, 11, 1)),
        user=superuser,
    )
    client_for(client, editor)
    url = reverse("wagtail_petitions_reports:petition", args=[petition.pk])

    response = client.get(url, {"export": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    table = {(r["By"], r["Value"]): (int(r["Online"]), int(r["Paper"]), int(r["Total"])) for r in rows}
    assert table[("Country", "France (FR)")] == (3, 0, 3)
    assert table[("Country", "Belgium (BE)")] == (1, 30, 31)
    assert table[("Partner", "Digital Rights Collective")] == (1, 0, 1)
    today = Signature.objects.first().created_at.date().isoformat()
    assert table[("Day", today)] == (5, 0, 5)
    assert table[("Day", "2026-11-01")] == (0, 30, 30)
    assert "Total: 35" in client.get(url).content.decode()


def test_petitions_report_lists_every_petition_once_with_its_counts(client, editor, petition, signed, site_root):
    client_for(client, editor)

    response = client.get(reverse("wagtail_petitions_reports:index"), {"export": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["Petition"], r["Total"], r["Online"], r["Paper"]) for r in rows] == [(petition.title, "5", "5", "0")]


def test_reports_are_refused_to_users_who_cannot_edit_the_petition(client, petition, signed, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", "o@example.org", "pw")
    outsider.groups.add(Group.objects.get(name="Editors"))
    # An editor whose pages are elsewhere: Wagtail's "Editors" group edits from the root, so take it away.
    from wagtail.models import GroupPagePermission

    GroupPagePermission.objects.filter(group__name="Editors").delete()
    client_for(client, outsider)

    for url in (
        reverse("wagtail_petitions_reports:index"),
        reverse("wagtail_petitions_reports:petition", args=[petition.pk]),
        reverse("wagtail_petitions_sheets:sheet", args=[petition.pk]),
        reverse("wagtail_petitions_embed_code:index"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"France" not in response.content


def test_partner_snippet_with_logo_contact_and_origins(client, superuser):
    client_for(client, superuser)
    add_url = reverse("wagtailsnippets_wagtail_petitions_partner:add")

    response = client.post(
        add_url,
        {
            "name": "Press Freedom Now",
            "slug": "pfn",
            "website": "https://pfn.example",
            "allowed_origins": "https://pfn.example\nhttps://www.pfn.example/",
            "contact_name": "Sam",
            "contact_email": "sam@pfn.example",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(slug="pfn")
    assert partner.get_allowed_origins() == ["https://pfn.example", "https://www.pfn.example"]
    assert partner.contact_name == "Sam"

    bad = client.post(add_url, {"name": "Bad", "slug": "bad", "allowed_origins": "https://bad.example/path"})
    assert bad.status_code == 200 and not Partner.objects.filter(slug="bad").exists()
    listing = client.get(reverse("wagtailsnippets_wagtail_petitions_partner:list")).content.decode()
    assert "Press Freedom Now" in listing


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
        '<iframe src="http://testserver/embed/v1/petitions/stop-spyware/?lang=en&amp;partner=drc" '
        'title="Stop spyware" loading="lazy"'
    )
    assert context["tracked_link"] == "http://testserver/stop-spyware/?partner=drc"
    html = response.content.decode()
    assert '<iframe src="http://testserver/embed/v1/petitions/stop-spyware/?lang=en&amp;partner=drc"' in html
    # The tracked link carries the partner into the page's form.
    page = client.get(context["tracked_link"]).content.decode()
    assert 'name="partner" value="drc"' in page


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


def test_demo_content_is_idempotent_and_creates_the_signature_managers_group(db):
    call_command("load_demo_content", signatures=6, stdout=io.StringIO())
    call_command("load_demo_content", signatures=6, stdout=io.StringIO())

    group = Group.objects.get(name="Signature managers")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_signature", "invalidate_signature", "add_paperbatch", "change_paperbatch"} <= codenames
    petitions = PetitionPage.objects.filter(slug="stop-spyware")
    assert sorted(p.locale.language_code for p in petitions) == ["en", "fr"]
    assert all(p.is_open() for p in petitions)  # the demo stays open: no delivery update
    key = petitions[0].translation_key
    assert PaperBatch.objects.filter(petition_key=key).count() == 2
    snapshot = petitions[0].get_tally(fresh=True)
    assert snapshot.online == 6 and snapshot.paper == 184 + 57
    call_command("recount_tallies", stdout=io.StringIO())


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
