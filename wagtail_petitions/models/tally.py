"""The one global tally of each petition: sharded counter rows, and how they are written and read.

Every counted signature and every paper batch adds to ``TallyCounter`` and ``TallyTotal`` rows in the transaction
that records it, so the tally is exact whatever the interleaving. Reads sum those rows, never the signatures, and
go through a short-lived cache snapshot so a crowd refreshing the count does not reach the database each time.
``wagtail_petitions.recount`` rebuilds the rows from the signatures and paper batches.

The count over time (``TallyHistory``: per hour and channel, sharded like the buckets) is written by the same
``add``, in the same statement on PostgreSQL: a counted signature adds to the hour it was signed in, a paper batch to
the day it was collected (midnight UTC). Reading it sums those rows (hours x channels x shards), never signatures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.core.cache import cache
from django.db import connection, models
from django.db.models import Max, Sum
from django.utils import timezone

from ..choices import Channel
from ..conf import conf
from .partners import Partner

# "v2": snapshots carry buckets and partner names since the plugin was split into packages.
CACHE_KEY = "wagtail_petitions:tally:v2:{}"

#: One bucket of a snapshot: (channel, country code or "", partner slug or "", count).
Bucket = tuple[str, str, str, int]


@dataclass(frozen=True)
class TallySnapshot:
    petition_key: str
    total: int = 0
    online: int = 0
    paper: int = 0
    by_country: list[tuple[str, int]] = field(default_factory=list)  # (code, count), largest first
    by_partner: list[tuple[str, int]] = field(default_factory=list)  # (slug, count), largest first
    buckets: tuple[Bucket, ...] = ()
    partner_names: dict[str, str] = field(default_factory=dict)  # slug -> name
    updated_at: datetime | None = None


def _prepared_key(petition_key):
    return TallyCounter._meta.get_field("petition_key").get_db_prep_value(petition_key, connection)


def history_hour(at: datetime | date | None) -> datetime:
    """The hour (UTC, aware) a change made ``at`` belongs to in the count history: a date is its midnight UTC (paper
    batches count on the day they were collected), ``None`` is now."""
    if at is None:
        at = timezone.now()
    elif not isinstance(at, datetime):
        return datetime.combine(at, time(0), tzinfo=UTC)
    elif timezone.is_naive(at):
        at = timezone.make_aware(at, UTC)
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class TallyCounterManager(models.Manager):
    def upsert_sql(self, values_sql: str) -> str:
        """``INSERT`` of bucket rows (``values_sql``: a ``VALUES`` list or a ``SELECT`` of the table's columns in
        order) that adds to the shard's count when the row exists."""
        table = self.model._meta.db_table
        return (
            f"INSERT INTO {table} (petition_key, channel, country, partner_id, shard, count, updated_at) {values_sql} "
            "ON CONFLICT (petition_key, channel, country, partner_id, shard) "
            f"DO UPDATE SET count = {table}.count + EXCLUDED.count, updated_at = EXCLUDED.updated_at"
        )

    def add(
        self,
        petition_key,
        *,
        country: str = "",
        partner_id: int | None = 0,
        channel: str = Channel.ONLINE,
        amount: int = 1,
        at: datetime | date | None = None,
        history: bool = True,
    ) -> int:
        """Add ``amount`` (negative to remove) to a random shard of the bucket, of the total and (unless not
        ``history``) of the count history at ``at`` (see ``history_hour``; default now). Call inside the writing
        transaction. A caller that moves many signatures at once passes ``history=False`` and writes their hours
        with one ``TallyHistory.objects.add`` in the same transaction.

        Returns the petition's total including this change: the total rows as committed when the statement
        started, plus ``amount``. On PostgreSQL it comes back from the same statement (one round trip, no extra
        lock); it may miss signatures committed meanwhile but always includes the caller's, which is what a
        signer is shown. The cached snapshot is left alone: readers see the new figure within
        ``COUNT_CACHE_SECONDS``.
        """
        key = _prepared_key(petition_key)
        now = self.model._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
        shards = conf.TALLY_SHARDS
        bucket = [key, channel, country or "", partner_id or 0, random.randrange(shards), amount, now]
        total = [key, random.randrange(shards), amount]
        total_sql = TallyTotal.objects.total_sql()
        hour = TallyHistory._meta.get_field("hour").get_db_prep_value(history_hour(at), connection)
        hours = [key, hour, channel, bucket[4], amount] if history else []
        history_sql = TallyHistory.objects.upsert_sql("VALUES (%s, %s, %s, %s, %s)")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The sub-select sees the statement's snapshot, which never includes the rows this statement changes.
                historied = f", historied AS ({history_sql} RETURNING 1)" if history else ""
                cursor.execute(
                    f"WITH bump AS ({self.upsert_sql('VALUES (%s, %s, %s, %s, %s, %s, %s)')} RETURNING 1), "
                    f"totalled AS ({TallyTotal.objects.upsert_sql('VALUES (%s, %s, %s)')} RETURNING 1){historied} "
                    f"SELECT {total_sql} + %s FROM bump",
                    [*bucket, *total, *hours, key, amount],
                )
                return int(cursor.fetchone()[0])
            cursor.execute(self.upsert_sql("VALUES (%s, %s, %s, %s, %s, %s, %s)"), bucket)
            cursor.execute(TallyTotal.objects.upsert_sql("VALUES (%s, %s, %s)"), total)
            if history:
                cursor.execute(history_sql, hours)
            # Elsewhere (SQLite) writers are serialised, so a read in the same transaction is exact.
            cursor.execute(f"SELECT {total_sql}", [key])
            return int(cursor.fetchone()[0])

    def read(self, petition_key) -> TallySnapshot:
        """Read the tally from the database (a sum over the bucket rows, never over signatures)."""
        rows = list(
            self.filter(petition_key=petition_key)
            .values_list("channel", "country", "partner_id")
            .annotate(n=Sum("count"), at=Max("updated_at"))
            .order_by()
        )
        partner_ids = {partner_id for _, _, partner_id, n, _ in rows if partner_id and n}
        partners = dict(
            (pk, (slug, name))
            for pk, slug, name in Partner.objects.filter(pk__in=partner_ids).values_list("pk", "slug", "name")
        )
        online = paper = 0
        countries: dict[str, int] = {}
        by_partner: dict[str, int] = {}
        buckets: list[Bucket] = []
        updated_at = None
        for channel, country, partner_id, n, at in rows:
            if not n:
                continue
            if channel == Channel.PAPER:
                paper += n
            else:
                online += n
            slug = partners.get(partner_id, (str(partner_id),))[0] if partner_id else ""
            buckets.append((channel, country, slug, n))
            if country:
                countries[country] = countries.get(country, 0) + n
            if slug:
                by_partner[slug] = by_partner.get(slug, 0) + n
            updated_at = at if updated_at is None or (at and at > updated_at) else updated_at
        return TallySnapshot(
            petition_key=str(petition_key),
            total=online + paper,
            online=online,
            paper=paper,
            by_country=sorted(countries.items(), key=lambda item: (-item[1], item[0])),
            by_partner=sorted(by_partner.items(), key=lambda item: (-item[1], item[0])),
            buckets=tuple(buckets),
            partner_names={slug: name for slug, name in partners.values()},
            updated_at=updated_at,
        )

    def snapshot(self, petition_key, fresh: bool = False) -> TallySnapshot:
        """The tally, from the cache unless ``fresh``; a fresh read refreshes the cache."""
        key = CACHE_KEY.format(petition_key)
        if not fresh:
            cached = cache.get(key)
            if cached is not None:
                return cached
        snapshot = self.read(petition_key)
        cache.set(key, snapshot, conf.COUNT_CACHE_SECONDS)
        return snapshot

    def forget(self, petition_key) -> None:
        """Drop the cached snapshot, so the next read is fresh."""
        cache.delete(CACHE_KEY.format(petition_key))


class TallyCounter(models.Model):
    """One shard of one bucket of a petition's tally.

    A bucket is (petition, channel, country, partner); each is spread over ``WAGTAIL_PETITIONS_TALLY_SHARDS`` rows
    so concurrent signers rarely update the same row. Reading a tally sums a few hundred rows at most, however
    many signatures there are.
    """

    petition_key = models.UUIDField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    country = models.CharField(max_length=2, blank=True)
    # 0 = no partner. Not a foreign key: an upsert key must not be NULL (NULLs never conflict).
    partner_id = models.PositiveIntegerField(default=0)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TallyCounterManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition_key", "channel", "country", "partner_id", "shard"], name="tally_bucket_shard"
            )
        ]

    def __str__(self):
        return f"{self.petition_key} {self.channel} {self.country or '--'} partner={self.partner_id}: {self.count}"


class TallyTotalManager(models.Manager):
    def upsert_sql(self, values_sql: str) -> str:
        table = self.model._meta.db_table
        return (
            f"INSERT INTO {table} (petition_key, shard, count) {values_sql} "
            f"ON CONFLICT (petition_key, shard) DO UPDATE SET count = {table}.count + EXCLUDED.count"
        )

    def total_sql(self) -> str:
        """A scalar sub-query of a petition's total (one ``%s``: its key) as committed when the statement started:
        a sum over at most ``TALLY_SHARDS`` rows, however many buckets the petition has."""
        return f"COALESCE((SELECT SUM(count) FROM {self.model._meta.db_table} WHERE petition_key = %s), 0)"

    def total(self, petition_key) -> int:
        """The petition's total straight from its total rows."""
        return self.filter(petition_key=petition_key).aggregate(n=Sum("count"))["n"] or 0


class TallyTotal(models.Model):
    """One shard of a petition's total: the same count as its ``TallyCounter`` rows, kept in a few rows.

    A signer is shown the total in the answer to their signature; summing the buckets for that would cost a scan of
    countries x partners x shards rows per signature (thousands for a viral petition), while these are at most
    ``WAGTAIL_PETITIONS_TALLY_SHARDS`` rows. Written with the buckets.
    """

    petition_key = models.UUIDField()
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    objects = TallyTotalManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition_key", "shard"], name="tally_total_shard")]

    def __str__(self):
        return f"{self.petition_key} total shard {self.shard}: {self.count}"


#: One point of a count history: (start of the hour or day, online, paper), the count added in that period.
HistoryPoint = tuple[datetime, int, int]


class TallyHistoryManager(models.Manager):
    def upsert_sql(self, values_sql: str) -> str:
        """``INSERT`` of ``(petition_key, hour, channel, shard, count)`` rows (a ``VALUES`` list or a ``SELECT``) that
        adds to the shard's count when the row exists."""
        table = self.model._meta.db_table
        return (
            f"INSERT INTO {table} (petition_key, hour, channel, shard, count) {values_sql} "
            f"ON CONFLICT (petition_key, hour, channel, shard) DO UPDATE SET count = {table}.count + EXCLUDED.count"
        )

    def add(self, petition_key, amounts: dict[tuple[datetime | date, str], int]) -> None:
        """Add each ``{(moment, channel): amount}`` to a random shard of the hour ``moment`` belongs to
        (``history_hour``). Call inside the transaction that moves the tally (with ``history=False`` there)."""
        merged: dict[tuple[datetime, str], int] = {}
        for (at, channel), amount in amounts.items():
            hour = history_hour(at)
            merged[(hour, str(channel))] = merged.get((hour, str(channel)), 0) + amount
        rows = [(hour, channel, amount) for (hour, channel), amount in merged.items() if amount]
        if not rows:
            return
        key = _prepared_key(petition_key)
        hour_field = self.model._meta.get_field("hour")
        params = []
        for hour, channel, amount in rows:
            hour = hour_field.get_db_prep_value(hour, connection)
            params += [key, hour, channel, random.randrange(conf.TALLY_SHARDS), amount]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(self.upsert_sql(f"VALUES {values}"), params)

    def read(self, petition_key, interval: str = "hour") -> list[HistoryPoint]:
        """What was added per ``interval`` (``"hour"`` or ``"day"``, UTC), oldest first, periods with no change left
        out: a sum over the history rows (never the signatures)."""
        if interval not in ("hour", "day"):
            raise ValueError(f"Unknown interval {interval!r}")
        rows = self.filter(petition_key=petition_key).values_list("hour", "channel").annotate(n=Sum("count")).order_by()
        periods: dict[datetime, list[int]] = {}
        for hour, channel, n in rows:
            if not n:
                continue
            hour = hour.astimezone(UTC)
            start = hour.replace(hour=0) if interval == "day" else hour
            point = periods.setdefault(start, [0, 0])
            point[1 if channel == Channel.PAPER else 0] += n
        return [(start, online, paper) for start, (online, paper) in sorted(periods.items()) if online or paper]

    def points(self, petition_key, interval: str = "hour", fresh: bool = False) -> list[HistoryPoint]:
        """``read``, from the cache (``COUNT_CACHE_SECONDS``) unless ``fresh``."""
        key = HISTORY_CACHE_KEY.format(petition_key, interval)
        if not fresh:
            cached = cache.get(key)
            if cached is not None:
                return cached
        points = self.read(petition_key, interval)
        cache.set(key, points, conf.COUNT_CACHE_SECONDS)
        return points

    def forget(self, petition_key) -> None:
        cache.delete_many([HISTORY_CACHE_KEY.format(petition_key, interval) for interval in ("hour", "day")])


HISTORY_CACHE_KEY = "wagtail_petitions:history:v1:{}:{}"


class TallyHistory(models.Model):
    """One shard of what a channel added to a petition's tally in one hour (UTC): the count over time.

    Written with the tally (``TallyCounter.objects.add``, the PostgreSQL signing statement, moderation), so it always
    sums to the tally; ``wagtail_petitions.recount`` rebuilds it from the signatures (the hour they were signed) and
    the paper batches (the day they were collected).
    """

    petition_key = models.UUIDField()
    hour = models.DateTimeField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    objects = TallyHistoryManager()

    class Meta:
        verbose_name_plural = "tally history"
        constraints = [
            models.UniqueConstraint(fields=["petition_key", "hour", "channel", "shard"], name="tally_history_shard")
        ]

    def __str__(self):
        return f"{self.petition_key} {self.hour:%Y-%m-%d %H}h {self.channel} shard {self.shard}: {self.count}"
