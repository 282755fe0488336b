"""The one global tally of each petition.

Every counted signature and every paper batch adds to ``TallyCounter`` rows in the same transaction that records
it, so the tally is exact whatever the interleaving. Reads go through a short-lived cache snapshot so a crowd
refreshing the count does not reach the database for each request.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from .conf import conf
from .models import Channel, Partner, TallyCounter

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


def _bucket_params(petition_key, country, partner_id, channel, amount) -> list:
    key = TallyCounter._meta.get_field("petition_key").get_db_prep_value(petition_key, connection)
    now = TallyCounter._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    return [key, channel, country or "", partner_id or 0, random.randrange(conf.TALLY_SHARDS), amount, now]


def _total_sql() -> str:
    return f"COALESCE((SELECT SUM(count) FROM {TallyCounter._meta.db_table} WHERE petition_key = %s), 0)"


def add(
    petition_key, *, country: str = "", partner_id: int | None = 0, channel: str = Channel.ONLINE, amount: int = 1
) -> int:
    """Add ``amount`` (negative to remove) to a random shard of the bucket. Call inside the writing transaction.

    Returns the petition's total including this change: the sum of the bucket rows as committed when the statement
    started, plus ``amount``. On PostgreSQL it comes back from the same statement (one round trip, no extra lock);
    it may miss signatures committed meanwhile but always includes the caller's, which is what a signer is shown.
    The cached snapshot is left alone: readers see the new figure within ``COUNT_CACHE_SECONDS``.
    """
    params = _bucket_params(petition_key, country, partner_id, channel, amount)
    key = params[0]
    upsert = _bucket_upsert("VALUES (%s, %s, %s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sub-select sees the statement's snapshot, which never includes the row this statement changes.
            cursor.execute(
                f"WITH bump AS ({upsert} RETURNING 1) SELECT {_total_sql()} + %s FROM bump", [*params, key, amount]
            )
            return int(cursor.fetchone()[0])
        cursor.execute(upsert, params)
        # Elsewhere (SQLite) writers are serialised, so a read in the same transaction is exact.
        cursor.execute(f"SELECT {_total_sql()}", [key])
        return int(cursor.fetchone()[0])


def bump_sql(petition_key, *, source: str, country, partner_id, channel) -> tuple[str, list]:
    """An upsert adding 1 to a random shard of the bucket for each row of ``source`` (a CTE of the same
    PostgreSQL statement, e.g. the signature just inserted: none if it was a repeat). Add ``RETURNING`` as needed.
    """
    return _bucket_upsert(f"SELECT %s, %s, %s, %s, %s, %s, %s FROM {source}"), _bucket_params(
        petition_key, country, partner_id, channel, 1
    )


def total_sql(petition_key) -> tuple[str, list]:
    """A scalar sub-query of the petition's total as committed when the statement started."""
    return _total_sql(), [TallyCounter._meta.get_field("petition_key").get_db_prep_value(petition_key, connection)]


def total(petition_key) -> int:
    """The petition's total straight from the bucket rows (a sum over a few hundred rows at most)."""
    return TallyCounter.objects.filter(petition_key=petition_key).aggregate(n=Sum("count"))["n"] or 0


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
    """Compare the tally with the signature rows; with ``fix``, rewrite the tally to match them."""
    with transaction.atomic():
        if fix and connection.vendor == "postgresql":
            # Keep signers out while the buckets are rewritten, so no increment lands between read and write.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TallyCounter._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
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
        if fix and drifts:
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
