"""The count history (``TallyHistory``): written with the tally, per hour signed and per day collected on paper,
moved by moderation at the signature's own hour, read without touching signatures, rebuilt by ``recount``."""

import datetime
from datetime import UTC

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import signer
from wagtail_petitions import moderation, recount
from wagtail_petitions.models import PaperBatch, Signature, TallyCounter, TallyHistory
from wagtail_petitions.models.tally import history_hour
from wagtail_petitions.paper import correct_paper_batch, record_paper_batch
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def this_hour():
    return timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def history(petition, interval="hour"):
    return TallyHistory.objects.read(petition.get_tally_key(), interval)


def test_history_hour_is_the_utc_hour_and_a_date_is_its_midnight():
    paris = datetime.timezone(datetime.timedelta(hours=1))
    assert history_hour(datetime.datetime(2026, 3, 1, 0, 30, tzinfo=paris)) == datetime.datetime(
        2026, 2, 28, 23, tzinfo=UTC
    )
    assert history_hour(datetime.date(2026, 3, 1)) == datetime.datetime(2026, 3, 1, tzinfo=UTC)


def test_signing_adds_to_the_hour_and_reading_never_touches_signatures(petition, settings):
    settings.WAGTAIL_PETITIONS_TALLY_SHARDS = 3
    for n in range(7):
        sign_petition(petition, signer(n, country=["FR", "DE"][n % 2]))
    sign_petition(petition, signer(1))  # a repeat: not counted again
    sign_petition(petition, signer(50), state="pending")  # not counted until confirmed

    with CaptureQueriesContext(connection) as queries:
        points = history(petition)
    assert points == [(this_hour(), 7, 0)]
    assert not [q for q in queries.captured_queries if Signature._meta.db_table in q["sql"]]
    assert 1 <= TallyHistory.objects.filter(petition_key=petition.get_tally_key()).count() <= 3
    assert recount.recount(petition.get_tally_key()) == []


def test_moderation_moves_the_history_at_the_hour_the_signature_was_signed(petition, superuser):
    pending = sign_petition(petition, signer(1), state="pending").signature
    counted = sign_petition(petition, signer(2)).signature
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    Signature.objects.filter(pk=pending.pk).update(created_at=three_days_ago)
    pending.refresh_from_db()

    moderation.confirm_signature(pending, user=superuser, reason="checked by phone")
    assert history(petition) == [(history_hour(three_days_ago), 1, 0), (this_hour(), 1, 0)]

    moderation.invalidate_signature(counted, user=superuser, reason="a test entry")
    assert history(petition) == [(history_hour(three_days_ago), 1, 0)]
    assert sum(online for _, online, _ in history(petition)) == petition.get_tally(fresh=True).total
    assert recount.recount(petition.get_tally_key()) == []


def test_paper_counts_on_the_day_it_was_collected_and_a_correction_moves_it(petition, superuser):
    sign_petition(petition, signer(1))
    batch = record_paper_batch(
        PaperBatch(page=petition, country="SN", signature_count=40, collected_on=datetime.date(2026, 11, 2)),
        user=superuser,
    )
    nov_2 = datetime.datetime(2026, 11, 2, tzinfo=UTC)
    assert history(petition, "day") == [(nov_2, 0, 40), (this_hour().replace(hour=0), 1, 0)]

    batch.collected_on = datetime.date(2026, 11, 5)
    correct_paper_batch(batch, user=superuser, reason="wrong date on the sheet")

    assert history(petition, "day") == [
        (datetime.datetime(2026, 11, 5, tzinfo=UTC), 0, 40),
        (this_hour().replace(hour=0), 1, 0),
    ]
    assert TallyCounter.objects.read(petition.get_tally_key()).paper == 40
    assert recount.recount(petition.get_tally_key()) == []


def test_day_interval_sums_the_hours_of_a_day(petition):
    key = petition.get_tally_key()
    TallyHistory.objects.add(
        key,
        {
            (datetime.datetime(2026, 5, 1, 8, 10, tzinfo=UTC), "online"): 3,
            (datetime.datetime(2026, 5, 1, 23, 59, tzinfo=UTC), "online"): 2,
            (datetime.datetime(2026, 5, 2, 0, 0, tzinfo=UTC), "online"): 1,
            (datetime.date(2026, 5, 1), "paper"): 10,
        },
    )
    assert TallyHistory.objects.read(key, "day") == [
        (datetime.datetime(2026, 5, 1, tzinfo=UTC), 5, 10),
        (datetime.datetime(2026, 5, 2, tzinfo=UTC), 1, 0),
    ]
    assert len(TallyHistory.objects.read(key, "hour")) == 4
    with pytest.raises(ValueError):
        TallyHistory.objects.read(key, "week")


def test_recount_reports_history_drift_and_fix_rebuilds_it(petition, superuser, capsys):
    for n in range(4):
        sign_petition(petition, signer(n))
    record_paper_batch(
        PaperBatch(page=petition, country="FR", signature_count=9, collected_on=datetime.date(2026, 1, 10)),
        user=superuser,
    )
    key = petition.get_tally_key()
    TallyHistory.objects.filter(petition_key=key, channel="online").delete()  # lost rows
    TallyHistory.objects.add(key, {(datetime.datetime(2025, 1, 1, 5, tzinfo=UTC), "online"): 2})  # stray rows

    drifts = recount.recount(key)
    assert sorted((d.channel, d.country, d.counted, d.expected) for d in drifts) == [
        ("history:online", "2025-01-01T05:00Z", 2, 0),
        ("history:online", this_hour().strftime("%Y-%m-%dT%H:00Z"), 0, 4),
    ]
    with pytest.raises(CommandError, match="1 drifted"):
        call_command("recount_tallies")
    call_command("recount_tallies", "--fix")
    assert history(petition, "day") == [
        (datetime.datetime(2026, 1, 10, tzinfo=UTC), 0, 9),
        (this_hour().replace(hour=0), 4, 0),
    ]
    assert recount.recount(key) == []
