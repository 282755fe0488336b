"""Figures for editors count paper batches by the day they were collected, not the day they were entered."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import signer
from wagtail_petitions.figures import petition_figures, petition_report_rows
from wagtail_petitions.models import PaperBatch
from wagtail_petitions.paper import record_paper_batch
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def record(petition, user, count, collected_on):
    return record_paper_batch(
        PaperBatch(page=petition, country="FR", signature_count=count, collected_on=collected_on), user=user
    )


def test_last_24_hours_count_paper_collected_in_them_not_entered_in_them(petition, superuser):
    today = timezone.localdate()
    sign_petition(petition, signer(1))
    record(petition, superuser, 500, today - datetime.timedelta(days=10))  # old sheets, typed in today
    record(petition, superuser, 40, today)

    figures = petition_figures(petition)

    assert figures.paper == 540 and figures.total == 541
    assert figures.last_24h_online == 1
    assert figures.last_24h_paper == 40


def test_per_day_rows_put_paper_on_its_collection_day(petition, superuser):
    today = timezone.localdate()
    collected = today - datetime.timedelta(days=10)
    sign_petition(petition, signer(1))
    record(petition, superuser, 500, collected)

    rows = {row.label: (row.online, row.paper) for row in petition_report_rows(petition, dimensions=("day",))}

    assert rows == {today.isoformat(): (1, 0), collected.isoformat(): (0, 500)}
