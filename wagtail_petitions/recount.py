"""Rebuilding a tally from the rows it counts, to find (and repair) any drift.

A tally *source* is a function ``source(petition_key) -> {(channel, country, partner_id): count}``: what some kind
of row adds to the petition's tally buckets. The app registers two in ``AppConfig.ready()``: the counted
signatures of every signature model (``counted_signatures``) and paper batches (``wagtail_petitions.paper``).

The per-state counts (``StateCounter``) are checked against the signatures of every model too; a drift of one is
reported under the pseudo-channel ``state:<state>``. Expired signatures are no longer rows: their count is kept.

The count history (``TallyHistory``) is rebuilt from *history sources*, ``source(petition_key) -> {(hour, channel):
count}``: the hour counted signatures were signed in (``counted_signature_hours``) and the day paper batches were
collected (``wagtail_petitions.paper``). A drift of one hour is reported under ``history:<channel>`` with the hour
in place of the country.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from .choices import EXPIRED, SignatureState
from .models import PaperBatch, StateCounter, TallyCounter, TallyHistory, TallyTotal, get_signature_models
from .models.tally import history_hour

#: A bucket as recount sees it: (channel, country code or "", partner id or 0).
Bucket = tuple[str, str, int]
#: The channel a drift of the total rows (``TallyTotal``) is reported under.
TOTAL = "total"

_sources: list = []
_history_sources: list = []


@dataclass
class Drift:
    petition_key: str
    channel: str
    country: str
    partner_id: int
    counted: int
    expected: int


def register_tally_source(source):
    """Register ``source`` (see the module's docstring); ``recount`` rebuilds every bucket from all of them."""
    if source not in _sources:
        _sources.append(source)
    return source


def register_history_source(source):
    """Register a history ``source`` (see the module's docstring); ``recount`` rebuilds the history from all of
    them."""
    if source not in _history_sources:
        _history_sources.append(source)
    return source


def counted_signature_hours(petition_key) -> dict[tuple, int]:
    """What the counted signatures of every signature model add to the count history: the hour they were signed."""
    hours: dict[tuple, int] = {}
    for model in get_signature_models():
        rows = (
            model.objects.filter(petition_key=petition_key, state=SignatureState.COUNTED)
            .annotate(hour=TruncHour("created_at", tzinfo=UTC))
            .values_list("hour", "channel")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for hour, channel, n in rows:
            key = (history_hour(hour), str(channel))
            hours[key] = hours.get(key, 0) + n
    return hours


def expected_history(petition_key) -> dict[tuple, int]:
    """What each (hour, channel) of the count history should hold, rebuilt from every history source."""
    expected: dict[tuple, int] = {}
    for source in _history_sources:
        for (at, channel), n in source(petition_key).items():
            key = (history_hour(at), str(channel))
            expected[key] = expected.get(key, 0) + n
    return {key: n for key, n in expected.items() if n}


def counted_signatures(petition_key) -> dict[Bucket, int]:
    """What the counted signatures of every signature model add to a tally."""
    buckets: dict[Bucket, int] = {}
    for model in get_signature_models():
        rows = (
            model.objects.filter(petition_key=petition_key, state=SignatureState.COUNTED)
            .values_list("channel", "country", "partner_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for channel, country, partner_id, n in rows:
            bucket = (channel, str(country or ""), partner_id or 0)
            buckets[bucket] = buckets.get(bucket, 0) + n
    return buckets


def expected_buckets(petition_key) -> dict[Bucket, int]:
    """What each bucket should hold, rebuilt from the rows of every tally source."""
    expected: dict[Bucket, int] = {}
    for source in _sources:
        for bucket, n in source(petition_key).items():
            expected[bucket] = expected.get(bucket, 0) + n
    return expected


def signatures_by_state(petition_key) -> dict[str, int]:
    """How many signatures of every signature model are in each state."""
    states: dict[str, int] = {}
    for model in get_signature_models():
        for state, n in (
            model.objects.filter(petition_key=petition_key).values_list("state").annotate(n=Count("pk")).order_by()
        ):
            states[state] = states.get(state, 0) + n
    return states


def petition_keys() -> set:
    """The key of every petition that has a tally or rows a tally is rebuilt from (deleted petitions included)."""
    keys = set(TallyCounter.objects.values_list("petition_key", flat=True).distinct())
    keys |= set(TallyTotal.objects.values_list("petition_key", flat=True).distinct())
    keys |= set(TallyHistory.objects.values_list("petition_key", flat=True).distinct())
    keys |= set(StateCounter.objects.values_list("petition_key", flat=True).distinct())
    keys |= set(PaperBatch.objects.values_list("petition_key", flat=True).distinct())
    for model in get_signature_models():
        keys |= set(model.objects.values_list("petition_key", flat=True).distinct())
    return keys


def recount(petition_key, fix: bool = False) -> list[Drift]:
    """Compare the tally (buckets and total rows) and the per-state counts with the rows of every source; with
    ``fix``, rewrite them to match.

    A wrong total is reported as a drift of the ``TOTAL`` pseudo-channel, a wrong state count as ``state:<state>``.
    """
    with transaction.atomic():
        if fix and connection.vendor == "postgresql":
            # Keep signers out while the rows are rewritten, so no increment lands between read and write.
            with connection.cursor() as cursor:
                for model in (TallyCounter, TallyTotal, TallyHistory, StateCounter):
                    cursor.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        expected = expected_buckets(petition_key)
        counted: dict[Bucket, int] = {}
        for channel, country, partner_id, n in (
            TallyCounter.objects.filter(petition_key=petition_key)
            .values_list("channel", "country", "partner_id")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            counted[(channel, country, partner_id)] = n
        drifts = [
            Drift(str(petition_key), *bucket, counted.get(bucket, 0), expected.get(bucket, 0))
            for bucket in sorted(set(expected) | set(counted))
            if counted.get(bucket, 0) != expected.get(bucket, 0)
        ]
        expected_total, counted_total = sum(expected.values()), TallyTotal.objects.total(petition_key)
        if counted_total != expected_total:
            drifts.append(Drift(str(petition_key), TOTAL, "", 0, counted_total, expected_total))
        expected_states = signatures_by_state(petition_key)
        counted_states = dict(
            StateCounter.objects.filter(petition_key=petition_key)
            .exclude(state=EXPIRED)
            .values_list("state")
            .annotate(n=Sum("count"))
            .order_by()
        )
        state_drifts = []
        for state in sorted(set(expected_states) | set(counted_states)):
            counted_n, expected_n = counted_states.get(state, 0), expected_states.get(state, 0)
            if counted_n != expected_n:
                state_drifts.append(Drift(str(petition_key), f"state:{state}", "", 0, counted_n, expected_n))
        expected_hours = expected_history(petition_key)
        counted_hours: dict[tuple, int] = {}
        for hour, channel, n in (
            TallyHistory.objects.filter(petition_key=petition_key)
            .values_list("hour", "channel")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            if n:
                counted_hours[(history_hour(hour), channel)] = n
        history_drifts = [
            Drift(
                str(petition_key),
                f"history:{channel}",
                hour.strftime("%Y-%m-%dT%H:00Z"),
                0,
                counted_hours.get((hour, channel), 0),
                expected_hours.get((hour, channel), 0),
            )
            for hour, channel in sorted(set(expected_hours) | set(counted_hours))
            if counted_hours.get((hour, channel), 0) != expected_hours.get((hour, channel), 0)
        ]
        if fix and history_drifts:
            TallyHistory.objects.filter(petition_key=petition_key).delete()
            TallyHistory.objects.bulk_create(
                TallyHistory(petition_key=petition_key, hour=hour, channel=channel, shard=0, count=n)
                for (hour, channel), n in expected_hours.items()
            )
            transaction.on_commit(lambda: TallyHistory.objects.forget(petition_key))
        if fix and state_drifts:
            StateCounter.objects.filter(petition_key=petition_key).exclude(state=EXPIRED).delete()
            StateCounter.objects.bulk_create(
                StateCounter(petition_key=petition_key, state=state, shard=0, count=n)
                for state, n in expected_states.items()
            )
            transaction.on_commit(lambda: StateCounter.objects.forget(petition_key))
        if fix and drifts:
            TallyTotal.objects.filter(petition_key=petition_key).delete()
            TallyTotal.objects.create(petition_key=petition_key, shard=0, count=expected_total)
            TallyCounter.objects.filter(petition_key=petition_key).delete()
            now = timezone.now()
            TallyCounter.objects.bulk_create(
                TallyCounter(
                    petition_key=petition_key,
                    channel=channel,
                    country=country,
                    partner_id=partner_id,
                    shard=0,
                    count=n,
                    updated_at=now,
                )
                for (channel, country, partner_id), n in expected.items()
            )
            transaction.on_commit(lambda: TallyCounter.objects.forget(petition_key))
    return drifts + state_drifts + history_drifts
