"""A site's own petition page type and signature model (``tests.testapp``), made only through the override points
of ``PetitionPageMixin`` / ``AbstractSignature``, goes through everything the plugin does: signing (API, page form),
the tally and its recount, paper batches, figures and reports, lookups and the API, moderation and the admin."""

import csv
import io
import json

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PETITION_TEXTS, signer
from tests.testapp.models import ResearcherSignature, ResearcherSignatureForm, ResearchPetitionPage
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions import recount
from wagtail_petitions.checks import check_signature_forms
from wagtail_petitions.figures import petition_figures, petition_report_rows
from wagtail_petitions.forms import PlainTextField
from wagtail_petitions.lookup import find_petition
from wagtail_petitions.models import (
    PaperBatch,
    PetitionIndexPage,
    PetitionPage,
    Signature,
    SignatureState,
    SignatureStateChange,
    TallyCounter,
    get_petition_page_models,
    get_signature_models,
)
from wagtail_petitions.moderation import invalidate_signature, restore_signature
from wagtail_petitions.paper import record_paper_batch
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

SLUG = "open-letter"


@pytest.fixture
def letter(site_root):
    page = ResearchPetitionPage(
        title="Open letter", slug=SLUG, goal=100, confirmation_required=False, **PETITION_TEXTS
    )
    site_root.add_child(instance=page)
    page.save_revision().publish()
    return ResearchPetitionPage.objects.get(pk=page.pk)


def researcher(n, **overrides):
    return signer(n, **{"institution": f"Institute {n}", **overrides})


def test_the_page_type_and_its_signature_model_are_found(letter):
    assert ResearchPetitionPage in get_petition_page_models() and PetitionPage in get_petition_page_models()
    assert get_signature_models() == [Signature, ResearcherSignature]
    assert find_petition(SLUG) == letter
    assert type(find_petition(SLUG)) is ResearchPetitionPage


def test_signing_stores_the_extra_field_in_the_sites_own_model_and_counts_once(letter, api_client, partner):
    first = api_client.post(
        f"/api/v1/petitions/{SLUG}/signatures/",
        researcher(1, partner="drc", origin="https://partner.example"),
        format="json",
    )
    repeat = api_client.post(
        f"/api/v1/petitions/{SLUG}/signatures/", researcher(1, email="ADA1@example.org"), format="json"
    )
    sign_petition(letter, researcher(2))

    assert first.status_code == repeat.status_code == 201
    assert not Signature.objects.exists()
    rows = {s.email: s for s in ResearcherSignature.objects.all()}
    assert set(rows) == {"ada1@example.org", "ada2@example.org"}
    assert rows["ada1@example.org"].institution == "Institute 1"
    assert rows["ada1@example.org"].partner == partner
    assert letter.get_tally(fresh=True).total == 2
    assert dict(letter.get_tally(fresh=True).by_partner) == {"drc": 1}
    assert recount.recount(letter.get_tally_key()) == []


def test_the_extra_field_is_validated_by_the_sites_form(letter, api_client):
    response = api_client.post(
        f"/api/v1/petitions/{SLUG}/signatures/", researcher(1, institution="x" * 121), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["institution"][0]["code"] == "max_length"
    assert not ResearcherSignature.objects.exists()


def test_the_page_form_signs_into_the_sites_model(letter, client):
    page = client.get(letter.url).content.decode()
    assert 'name="institution"' in page

    response = client.post(reverse("wagtail_petitions:sign", args=[letter.pk]), researcher(3))

    assert response.status_code == 303
    assert ResearcherSignature.objects.get().institution == "Institute 3"


def test_recount_finds_and_repairs_its_tally(letter, capsys):
    for n in range(3):
        sign_petition(letter, researcher(n))
    TallyCounter.objects.add(letter.get_tally_key(), country="FR", amount=4)  # a corrupted tally

    assert [d.expected for d in recount.recount(letter.get_tally_key()) if d.country == "FR"] == [3]
    assert letter.get_tally_key() in recount.petition_keys()
    call_command("recount_tallies", "--fix")
    assert recount.recount(letter.get_tally_key()) == []
    assert TallyCounter.objects.read(letter.get_tally_key()).total == 3


def test_figures_and_reports_read_the_sites_model_and_its_paper(letter, superuser, client):
    for n in range(3):
        sign_petition(letter, researcher(n, country="DE" if n else "FR"))
    record_paper_batch(PaperBatch(page=letter, country="DE", signature_count=10), user=superuser)

    figures = petition_figures(letter)
    assert (figures.total, figures.online, figures.paper, figures.last_24h_online) == (13, 3, 10, 3)
    assert figures.by_country[0] == ("DE", "Germany", 12)
    rows = {(r.dimension, r.label): (r.online, r.paper) for r in petition_report_rows(letter)}
    assert rows[("country", "Germany (DE)")] == (2, 10)
    assert sum(online for (dimension, _), (online, _) in rows.items() if dimension == "day") == 3

    client_for(client, superuser)
    report = client.get(reverse("wagtail_petitions_reports:petition", args=[letter.pk]), {"export": "csv"})
    table = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert {(r["By"], r["Value"]): r["Total"] for r in table}[("Country", "Germany (DE)")] == "12"
    listing = client.get(reverse("wagtail_petitions_reports:index"), {"export": "csv"})
    assert "Open letter" in b"".join(listing.streaming_content).decode()
    editor_page = client.get(reverse("wagtailadmin_pages:edit", args=[letter.pk])).content.decode()
    assert "Live figures" in editor_page


def test_the_api_serves_it(letter, api_client):
    sign_petition(letter, researcher(1))

    assert [p["slug"] for p in api_client.get("/api/v1/petitions/").json()] == [SLUG]
    detail = api_client.get(f"/api/v1/petitions/{SLUG}/").json()
    assert (detail["title"], detail["signature_count"]) == ("Open letter", 1)
    assert api_client.get(f"/api/v1/petitions/{SLUG}/count/").json()["signature_count"] == 1
    widget = api_client.get(f"/embed/v1/petitions/{SLUG}/")
    assert widget.status_code == 200 and b'name="institution"' in widget.content


def test_its_signatures_have_their_own_admin_with_export_and_moderation(letter, client, superuser):
    signature = sign_petition(letter, researcher(1, first_name="=evil()")).signature
    sign_petition(letter, researcher(2))
    client_for(client, superuser)
    index = reverse("signatures_petitions_testapp_researchersignature:index")

    listing = client.get(index)
    assert listing.status_code == 200 and "ada1@example.org" in listing.content.decode()
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(index, {"export": "csv"}).streaming_content).decode())))
    assert sorted(r["Email"] for r in rows) == ["ada1@example.org", "ada2@example.org"]
    assert {r["First name"] for r in rows} == {"'=evil()", "Ada2"}
    by_petition = client.get(index, {"petition": str(letter.get_tally_key())}).content.decode()
    assert "ada2@example.org" in by_petition

    inspect = reverse("signatures_petitions_testapp_researchersignature:inspect", args=[signature.pk])
    assert client.post(inspect, {"action": "invalidate", "reason": "not a researcher"}).status_code == 302
    assert ResearcherSignature.objects.get(pk=signature.pk).state == SignatureState.INVALIDATED
    assert letter.get_tally(fresh=True).total == 1
    assert SignatureStateChange.objects.for_signature(signature).get().reason == "not a researcher"
    # A state change of the default model with the same primary key is another signature's.
    assert not SignatureStateChange.objects.for_signature(Signature(pk=signature.pk)).exists()
    restore_signature(signature, user=superuser)
    invalidate_signature(ResearcherSignature.objects.get(pk=signature.pk), user=superuser, reason="again")
    assert letter.get_tally(fresh=True).total == 1
    assert recount.recount(letter.get_tally_key()) == []


def test_a_slug_is_unique_across_petition_page_types(letter, site_root):
    # Elsewhere in the tree (Wagtail itself only refuses a slug among siblings), and another page type.
    elsewhere = PetitionIndexPage(title="Campaigns", slug="campaigns")
    site_root.add_child(instance=elsewhere)
    with pytest.raises(ValidationError) as raised:
        elsewhere.add_child(instance=PetitionPage(title="Other", slug=SLUG, **PETITION_TEXTS))
    assert raised.value.message_dict["slug"] == ["Another petition already uses this slug."]


def test_a_form_field_longer_than_its_column_fails_the_system_checks(monkeypatch):
    class TooLongForm(ResearcherSignatureForm):
        institution = PlainTextField(max_length=500, required=False)

    assert check_signature_forms() == []
    monkeypatch.setattr(ResearchPetitionPage, "signature_form_class", TooLongForm)
    errors = check_signature_forms()
    assert [error.id for error in errors] == ["wagtail_petitions.E010"]
    assert "holds 120" in errors[0].msg and isinstance(errors[0], checks.Error)


def test_migrations_of_the_plugin_and_the_test_app_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_sites_model_answers_json_like_the_default(letter, api_client):
    body = api_client.post(f"/api/v1/petitions/{SLUG}/signatures/", researcher(1), format="json").json()
    assert json.loads(json.dumps(body))["signature_count"] == 1
