"""Reports: every petition's counts and one petition's, for the editors who may see them."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions.models import PaperBatch, Signature
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
