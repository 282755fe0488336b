"""The one global tally of each petition.

Every counted signature and every paper batch adds to ``TallyCounter`` rows in the same transaction that records
it, so the tally is exact whatever the interleaving. Reads go through a short-lived cache snapshot so a crowd
refreshing the count does not reach the database for each request.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from .conf import conf
from .models import Channel, Partner, TallyCounter, TallyTotal

CACHE_KEY = "wagtail_petitions:tally:{}"


@dataclass(frozen=True)
class TallySnapshot:
    petition_key: str
    total: int = 0
    online: int = 0
    paper: int = 0
    by_country: list[tuple[str, int]] = field(default_factory=list)
    by_partner: list[tuple[str, int]] = field(default_factory=list)
    updated_at: datetime | None = None


def _bucket_upsert(values_sql: str) -> str:
    table = TallyCounter._meta.db_table
    return (
        f"INSERT INTO {table} (petition_key, channel, country, partner_id, shard, count, updated_at) {values_sql} "
        "ON CONFLICT (petition_key, channel, country, partner_id, shard) "
        f"DO UPDATE SET count = {table}.count + EXCLUDED.count, updated_at = EXCLUDED.updated_at"
    )


def _total_upsert(values_sql: str) -> str:
    table = TallyTotal._meta.db_table
    return (
        f"INSERT INTO {table} (petition_key, shard, count) {values_sql} "
        f"ON CONFLICT (petition_key, shard) DO UPDATE SET count = {table}.count + EXCLUDED.count"
    )


def _prepared_key(petition_key):
    return TallyCounter._meta.get_field("petition_key").get_db_prep_value(petition_key, connection)


def _bucket_params(petition_key, country, partner_id, channel, amount) -> list:
    key = _prepared_key(petition_key)
    now = TallyCounter._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    return [key, channel, country or "", partner_id or 0, random.randrange(conf.TALLY_SHARDS), amount, now]


def _total_params(petition_key, amount) -> list:
    return [_prepared_key(petition_key), random.randrange(conf.TALLY_SHARDS), amount]


@functools.cache
def _total_sql() -> str:
    return f"COALESCE((SELECT SUM(count) FROM {TallyTotal._meta.db_table} WHERE petition_key = %s), 0)"


def add(
    petition_key, *, country: str = "", partner_id: int | None = 0, channel: str = Channel.ONLINE, amount: int = 1
) -> int:
    """Add ``amount`` (negative to remove) to a random shard of the bucket and of the total. Call inside the
    writing transaction.

    Returns the petition's total including this change: the total rows as committed when the statement started,
    plus ``amount``. On PostgreSQL it comes back from the same statement (one round trip, no extra lock); it may
    miss signatures committed meanwhile but always includes the caller's, which is what a signer is shown.
    The cached snapshot is left alone: readers see the new figure within ``COUNT_CACHE_SECONDS``.
    """
    bucket = _bucket_params(petition_key, country, partner_id, channel, amount)
    total = _total_params(petition_key, amount)
    key = bucket[0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sub-select sees the statement's snapshot, which never includes the rows this statement changes.
            cursor.execute(
                f"WITH bump AS ({_bucket_upsert('VALUES (%s, %s, %s, %s, %s, %s, %s)')} RETURNING 1), "
                f"totalled AS ({_total_upsert('VALUES (%s, %s, %s)')} RETURNING 1) "
                f"SELECT {_total_sql()} + %s FROM bump",
                [*bucket, *total, key, amount],
            )
            return int(cursor.fetchone()[0])
        cursor.execute(_bucket_upsert("VALUES (%s, %s, %s, %s, %s, %s, %s)"), bucket)
        cursor.execute(_total_upsert("VALUES (%s, %s, %s)"), total)
        # Elsewhere (SQLite) writers are serialised, so a read in the same transaction is exact.
        cursor.execute(f"SELECT {_total_sql()}", [key])
        return int(cursor.fetchone()[0])


# The columns ``bump_ctes`` reads from its source, one row per signature to count.
BUMP_SOURCE_COLUMNS = ("petition_key", "channel", "country", "partner_id", "created_at")


def bump_ctes(source: str) -> tuple[tuple[str, ...], list]:
    """CTEs of one PostgreSQL statement that add 1 to a random shard of the bucket (``bumped``, one row per row
    added) and of the total (``totalled``) for each row of ``source``, a CTE of the same statement with the
    columns ``BUMP_SOURCE_COLUMNS`` (e.g. the signature just inserted: no row if it was a repeat). The text is
    the same object on every call; the only parameters are the shards."""
    shard = random.randrange(conf.TALLY_SHARDS)
    return _bump_ctes_sql(source), [shard, shard]


@functools.cache
def _bump_ctes_sql(source: str) -> tuple[str, ...]:
    bucket = f"SELECT petition_key, channel, country, COALESCE(partner_id, 0), %s, 1, created_at FROM {source}"
    return (
        f"bumped AS ({_bucket_upsert(bucket)} RETURNING 1)",
        f"totalled AS ({_total_upsert(f'SELECT petition_key, %s, 1 FROM {source}')} RETURNING 1)",
    )


def total_sql(petition_key) -> tuple[str, list]:
    """A scalar sub-query of the petition's total as committed when the statement started (a sum over at most
    ``TALLY_SHARDS`` rows, however many buckets the petition has)."""
    return _total_sql(), [_prepared_key(petition_key)]


def total(petition_key) -> int:
    """The petition's total straight from its total rows (at most ``TALLY_SHARDS`` of them)."""
    return TallyTotal.objects.filter(petition_key=petition_key).aggregate(n=Sum("count"))["n"] or 0


def read(petition_key) -> TallySnapshot:
    """Read the tally from the database (a sum over the bucket rows, never over signatures)."""
    rows = (
        TallyCounter.objects.filter(petition_key=petition_key)
        .values_list("channel", "country", "partner_id")
        .annotate(n=Sum("count"), at=Max("updated_at"))
        .order_by()
    )
    online = paper = 0
    countries: dict[str, int] = {}
    partners: dict[int, int] = {}
    updated_at = None
    for channel, country, partner_id, n, at in rows:
        if channel == Channel.PAPER:
            paper += n
        else:
            online += n
        if country:
            countries[country] = countries.get(country, 0) + n
        if partner_id:
            partners[partner_id] = partners.get(partner_id, 0) + n
        updated_at = at if updated_at is None or (at and at > updated_at) else updated_at
    slugs = dict(Partner.objects.filter(pk__in=partners).values_list("pk", "slug")) if partners else {}
    return TallySnapshot(
        petition_key=str(petition_key),
        total=online + paper,
        online=online,
        paper=paper,
        by_country=sorted(((c, n) for c, n in countries.items() if n), key=lambda item: (-item[1], item[0])),
        by_partner=sorted(
            ((slugs.get(pid, str(pid)), n) for pid, n in partners.items() if n), key=lambda item: (-item[1], item[0])
        ),
        updated_at=updated_at,
    )


def get_tally(petition_key, fresh: bool = False) -> TallySnapshot:
    """The tally, from the cache unless ``fresh``; a fresh read refreshes the cache."""
    key = CACHE_KEY.format(petition_key)
    if not fresh:
        snapshot = cache.get(key)
        if snapshot is not None:
            return snapshot
    snapshot = read(petition_key)
    cache.set(key, snapshot, conf.COUNT_CACHE_SECONDS)
    return snapshot


@dataclass
class Drift:
    petition_key: str
    channel: str
    country: str
    partner_id: int
    counted: int
    expected: int


Bucket = tuple[str, str, int]  # (channel, country, partner_id)
# The channel a drift of the total rows (``TallyTotal``) is reported under.
TOTAL = "total"
_sources: list = []


def register_tally_source(source):
    """Register ``source(petition_key) -> {bucket: count}``: something else that adds to tallies (paper batches).

    ``recount`` rebuilds every bucket from the signature rows plus all registered sources.
    """
    if source not in _sources:
        _sources.append(source)
    return source


@register_tally_source
def counted_signatures(petition_key) -> dict[Bucket, int]:
    from .models import Signature, SignatureState

    rows = (
        Signature.objects.filter(petition_key=petition_key, state=SignatureState.COUNTED)
        .values_list("channel", "country", "partner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(channel, str(country or ""), partner_id or 0): n for channel, country, partner_id, n in rows}


def expected_buckets(petition_key) -> dict[Bucket, int]:
    """What each bucket should hold, rebuilt from the rows of every tally source."""
    expected: dict[Bucket, int] = {}
    for source in _sources:
        for bucket, n in source(petition_key).items():
            expected[bucket] = expected.get(bucket, 0) + n
    return expected


def recount(petition_key, fix: bool = False) -> list[Drift]:
    """Compare the tally (buckets and total rows) with the signature rows; with ``fix``, rewrite it to match them.

    A wrong total is reported as a drift of the ``TOTAL`` pseudo-channel.
    """
    with transaction.atomic():
        if fix and connection.vendor == "postgresql":
            # Keep signers out while the rows are rewritten, so no increment lands between read and write.
            with connection.cursor() as cursor:
                for model in (TallyCounter, TallyTotal):
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
        expected_total, counted_total = sum(expected.values()), total(petition_key)
        if counted_total != expected_total:
            drifts.append(Drift(str(petition_key), TOTAL, "", 0, counted_total, expected_total))
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
            transaction.on_commit(lambda: cache.delete(CACHE_KEY.format(petition_key)))
    return drifts
