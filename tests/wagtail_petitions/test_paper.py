"""Paper batches: recorded and corrected in the admin, counted as "paper" in the tally and the API."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import signer
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions import recount
from wagtail_petitions.models import PaperBatch, PaperBatchCorrection, TallyCounter
from wagtail_petitions.paper import PaperBatchError, correct_paper_batch, record_paper_batch
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def batch_form(petition, **overrides):
    data = {
        "page": petition.pk,
        "country": "FR",
        "signature_count": 120,
        "collected_on": "2026-11-21",
        "partner": "",
        "event": "Market stall, Lyon",
        "note": "",
    }
    data.update(overrides)
    return data


def test_recording_a_batch_in_the_admin_counts_it_as_paper(client, signature_manager, petition, api_client):
    sign_petition(petition, signer(1, country="FR"))
    client_for(client, signature_manager)

    response = client.post(reverse("paper_batches:add"), batch_form(petition))

    assert response.status_code == 302
    batch = PaperBatch.objects.get()
    assert (batch.entered_by, batch.petition_key, batch.signature_count) == (
        signature_manager,
        petition.translation_key,
        120,
    )
    snapshot = petition.get_tally(fresh=True)
    assert (snapshot.total, snapshot.online, snapshot.paper) == (121, 1, 120)
    detail = api_client.get("/api/v1/petitions/stop-spyware/").json()
    assert detail["signature_count"] == 121
    assert (detail["signature_count_online"], detail["signature_count_paper"]) == (1, 120)
    assert {"country": "FR", "count": 121} in detail["signatures_by_country"]
    assert api_client.get("/api/v1/petitions/stop-spyware/count/").json()["signature_count"] == 121


def test_a_batch_needs_a_petition_and_a_count(client, signature_manager, petition):
    client_for(client, signature_manager)

    response = client.post(reverse("paper_batches:add"), batch_form(petition, page="", signature_count=""))

    assert response.status_code == 200
    assert PaperBatch.objects.count() == 0 and petition.get_tally(fresh=True).total == 0


def test_correcting_a_batch_is_audited_and_moves_the_tally_by_the_difference(
    client, signature_manager, petition, partner, api_client
):
    batch = record_paper_batch(
        PaperBatch(page=petition, country="FR", signature_count=120, collected_on=datetime.date(2026, 11, 21)),
        user=signature_manager,
    )
    client_for(client, signature_manager)
    url = reverse("paper_batches:edit", args=[batch.pk])

    without_reason = client.post(url, batch_form(petition, signature_count=102))
    assert without_reason.status_code == 200
    assert petition.get_tally(fresh=True).paper == 120

    response = client.post(
        url, batch_form(petition, signature_count=102, country="BE", partner=partner.pk, reason="Recounted the sheets")
    )

    assert response.status_code == 302
    correction = PaperBatchCorrection.objects.get(batch=batch)
    assert correction.user == signature_manager and correction.reason == "Recounted the sheets"
    assert correction.changes["signature_count"] == [120, 102]
    assert correction.changes["country"] == ["FR", "BE"]
    assert correction.changes["partner"] == [None, partner.pk]
    snapshot = petition.get_tally(fresh=True)
    assert (snapshot.paper, dict(snapshot.by_country), dict(snapshot.by_partner)) == (102, {"BE": 102}, {"drc": 102})
    assert "Recounted the sheets" in client.get(url).content.decode()
    assert recount.recount(petition.translation_key) == []


def test_editor_without_paper_permissions_cannot_record_batches(client, editor, petition):
    client_for(client, editor)
    response = client.post(reverse("paper_batches:add"), batch_form(petition))
    assert response.status_code in (302, 403) and PaperBatch.objects.count() == 0


def test_batches_cannot_be_deleted_only_corrected(client, superuser, petition):
    batch = record_paper_batch(PaperBatch(page=petition, country="FR", signature_count=3), user=superuser)
    client_for(client, superuser)
    assert client.get(f"/admin/paper_batches/delete/{batch.pk}/").status_code == 404
    assert correct_paper_batch(batch, user=superuser, reason="no change") is None
    with pytest.raises(PaperBatchError):
        correct_paper_batch(batch, user=superuser, reason="")


def test_recount_includes_paper_batches(petition, superuser):
    sign_petition(petition, signer(1))
    record_paper_batch(PaperBatch(page=petition, country="SN", signature_count=40), user=superuser)
    assert recount.recount(petition.translation_key) == []

    TallyCounter.objects.filter(channel="paper").update(count=7)  # a drifted tally
    drifts = recount.recount(petition.translation_key, fix=True)

    assert [(d.channel, d.country, d.counted, d.expected) for d in drifts] == [("paper", "SN", 7, 40)]
    assert petition.get_tally(fresh=True).paper == 40
    call_command("recount_tallies")  # raises CommandError if anything drifted


def test_paper_batch_on_a_translation_counts_for_the_whole_petition(petition, site_root, french, superuser):
    site_root.copy_for_translation(french).save_revision().publish()
    french_page = petition.copy_for_translation(french)
    french_page.save_revision().publish()

    record_paper_batch(PaperBatch(page=french_page, country="FR", signature_count=9), user=superuser)

    assert petition.get_tally(fresh=True).paper == 9


def test_recount_finds_a_paper_only_petition_whose_tally_rows_were_lost(petition, superuser, capsys):
    record_paper_batch(PaperBatch(page=petition, country="SN", signature_count=40), user=superuser)
    TallyCounter.objects.all().delete()

    call_command("recount_tallies", "--fix")

    assert "1 tallies checked, 1 drifted and fixed" in capsys.readouterr().out
    assert TallyCounter.objects.read(petition.get_tally_key()).paper == 40
