"""The tally: reads sum bucket rows (never signatures), signing returns a count with the signer's own signature,
and ``recount_tallies`` reports and repairs drift."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import signer
from wagtail_petitions import recount
from wagtail_petitions.models import Signature, TallyCounter, TallyTotal
from wagtail_petitions.signing import sign_petition


def test_reading_the_tally_never_touches_signature_rows(petition, partner):
    for n in range(6):
        sign_petition(petition, signer(n, country=["FR", "DE"][n % 2], partner="drc" if n % 3 == 0 else ""))
    with CaptureQueriesContext(connection) as queries:
        snapshot = TallyCounter.objects.read(petition.get_tally_key())
    assert snapshot.total == 6
    assert dict(snapshot.by_country) == {"FR": 3, "DE": 3}
    assert dict(snapshot.by_partner) == {"drc": 2}
    signature_table = Signature._meta.db_table
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if signature_table in q["sql"]]


def test_buckets_are_sharded_and_bounded_by_shards_not_by_signatures(petition, settings):
    settings.WAGTAIL_PETITIONS_TALLY_SHARDS = 4
    for n in range(60):
        sign_petition(petition, signer(n))
    rows = TallyCounter.objects.filter(petition_key=petition.get_tally_key())
    assert 1 < rows.count() <= 4  # one bucket (FR, online, no partner), spread over at most 4 shard rows
    assert sum(rows.values_list("count", flat=True)) == 60


def test_signing_returns_a_total_that_includes_the_signer(petition):
    petition.get_tally()  # a cached snapshot that is now out of date
    results = [sign_petition(petition, signer(n)) for n in range(3)]
    assert [r.signature_count for r in results] == [1, 2, 3]
    repeat = sign_petition(petition, signer(1, email="ADA1@EXAMPLE.ORG"))
    assert (repeat.created, repeat.signature_count) == (False, 3)
    assert repeat.signature.pk == results[1].signature.pk


def test_add_returns_the_new_total(petition):
    key = petition.get_tally_key()
    assert TallyCounter.objects.add(key, country="FR") == 1
    assert TallyCounter.objects.add(key, country="DE", amount=5) == 6
    assert TallyCounter.objects.add(key, country="FR", amount=-1) == 5
    assert TallyTotal.objects.total(key) == 5


def test_recount_reports_no_drift_when_consistent(petition):
    for n in range(5):
        sign_petition(petition, signer(n))
    assert recount.recount(petition.get_tally_key()) == []
    call_command("recount_tallies")  # no drift: no error


def test_recount_command_reports_drift_and_fix_repairs_it(petition, capsys):
    for n in range(5):
        sign_petition(petition, signer(n, country="FR" if n < 3 else "DE"))
    key = petition.get_tally_key()
    # A lost increment and a doubled one, as a bug or a manual edit could leave them.
    TallyCounter.objects.filter(petition_key=key, country="DE").delete()
    TallyCounter.objects.add(key, country="FR", amount=2)

    with pytest.raises(CommandError, match="1 drifted"):
        call_command("recount_tallies")
    out = capsys.readouterr().out
    assert "country=DE partner=0: tally 0, rows 2" in out
    assert "country=FR partner=0: tally 5, rows 3" in out

    call_command("recount_tallies", "--fix")
    assert "drifted and fixed" in capsys.readouterr().out
    assert TallyCounter.objects.read(key).total == 5
    assert dict(TallyCounter.objects.read(key).by_country) == {"FR": 3, "DE": 2}
    assert recount.recount(key) == []
    call_command("recount_tallies", "--petition-key", str(key))


def test_pending_signatures_are_not_counted(petition):
    result = sign_petition(petition, signer(1), state="pending")
    assert result.created
    assert Signature.objects.get().state == "pending"
    assert TallyTotal.objects.total(petition.get_tally_key()) == 0
    assert recount.recount(petition.get_tally_key()) == []


def test_signature_signals_are_sent_like_a_save(petition):
    from django.db.models.signals import post_save, pre_save

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((kwargs.get("created", "pre"), instance.pk is not None))

    pre_save.connect(receiver, sender=Signature)
    post_save.connect(receiver, sender=Signature)
    try:
        sign_petition(petition, signer(1))
    finally:
        pre_save.disconnect(receiver, sender=Signature)
        post_save.disconnect(receiver, sender=Signature)
    assert seen == [("pre", False), (True, True)]


def test_signer_total_comes_from_the_few_total_rows_and_recount_repairs_them(petition, settings, capsys):
    """The total a signer is shown is summed from ``TallyTotal`` (at most ``TALLY_SHARDS`` rows), not from every
    bucket: a viral petition has countries x partners x shards buckets. Those rows must follow every change."""
    settings.WAGTAIL_PETITIONS_TALLY_SHARDS = 3
    countries = ["FR", "DE", "BE", "SN", "MA", "CA", "US", "GB", "IT", "ES"]
    results = [sign_petition(petition, signer(n, country=countries[n % len(countries)])) for n in range(30)]
    key = petition.get_tally_key()
    assert [r.signature_count for r in results] == list(range(1, 31))
    assert TallyCounter.objects.filter(petition_key=key).count() > 3 * len(countries) // 2
    assert 1 <= TallyTotal.objects.filter(petition_key=key).count() <= 3
    assert TallyTotal.objects.total(key) == TallyCounter.objects.read(key).total == 30
    assert TallyCounter.objects.add(key, country="FR", amount=-1) == 29
    assert TallyTotal.objects.total(key) == 29
    TallyCounter.objects.add(key, country="FR", amount=1)

    TallyTotal.objects.filter(petition_key=key).update(count=0)
    assert [(d.channel, d.counted, d.expected) for d in recount.recount(key)] == [(recount.TOTAL, 0, 30)]
    with pytest.raises(CommandError, match="1 drifted"):
        call_command("recount_tallies")
    assert f"drift {key} total country=-- partner=0: tally 0, rows 30" in capsys.readouterr().out
    call_command("recount_tallies", "--fix")
    assert TallyTotal.objects.total(key) == 30
    assert recount.recount(key) == []
    assert sign_petition(petition, signer(99)).signature_count == 31
