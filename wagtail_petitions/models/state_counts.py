"""How many signatures of a petition are in each state (counted, pending, held, quarantined, invalidated) and how
many expired unconfirmed: sharded counter rows written in the transaction of every state change, like the tally.

Figures, reports and public statistics read these rows (a sum over at most states x ``TALLY_SHARDS`` rows), never
the signatures, so they cost the same at a thousand or ten million signatures. The one way to read them is the
petition's ``get_state_counts()``; ``wagtail_petitions.recount`` checks and repairs them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, models
from django.db.models import Sum

from ..choices import EXPIRED, SignatureState
from ..conf import conf

CACHE_KEY = "wagtail_petitions:states:v1:{}"


@dataclass(frozen=True)
class StateCounts:
    """A petition's signatures by state (all translations). ``expired``: unconfirmed signatures deleted when their
    confirmation time ran out (no longer rows, still counted here)."""

    counted: int = 0
    pending: int = 0
    held: int = 0
    quarantined: int = 0
    invalidated: int = 0
    expired: int = 0
    #: Erased at their signer's request: rows without personal data, out of the tally.
    withdrawn: int = 0

    @property
    def awaiting_confirmation(self) -> int:
        """Signatures a confirmation mail was sent for and that are not confirmed yet (pending and held)."""
        return self.pending + self.held

    @property
    def signatures(self) -> int:
        """Every signature row there is (every state)."""
        return self.counted + self.pending + self.held + self.quarantined + self.invalidated + self.withdrawn


class StateCounterManager(models.Manager):
    def upsert_sql(self, values_sql: str) -> str:
        """``INSERT`` of ``(petition_key, state, shard, count)`` rows (a ``VALUES`` list or a ``SELECT``) that adds to
        the shard's count when the row exists."""
        table = self.model._meta.db_table
        return (
            f"INSERT INTO {table} (petition_key, state, shard, count) {values_sql} "
            f"ON CONFLICT (petition_key, state, shard) DO UPDATE SET count = {table}.count + EXCLUDED.count"
        )

    def add(self, petition_key, deltas: dict[str, int]) -> None:
        """Add each ``{state: amount}`` (negative to remove) to a random shard of the petition's row for that state.
        Call inside the transaction that changes the signatures."""
        rows = [(state, amount) for state, amount in deltas.items() if amount]
        if not rows:
            return
        key = self.model._meta.get_field("petition_key").get_db_prep_value(petition_key, connection)
        params = []
        for state, amount in rows:
            params += [key, str(state), random.randrange(conf.TALLY_SHARDS), amount]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(self.upsert_sql(f"VALUES {values}"), params)

    def read(self, petition_key) -> StateCounts:
        """The counts, summed from the rows (never from the signatures)."""
        sums = dict(
            self.filter(petition_key=petition_key).values_list("state").annotate(n=Sum("count")).order_by()
        )
        return StateCounts(
            **{name: sums.get(name, 0) or 0 for name in (*(state.value for state in SignatureState), EXPIRED)}
        )

    def counts(self, petition_key, fresh: bool = False) -> StateCounts:
        """The counts from the cache (``COUNT_CACHE_SECONDS``) unless ``fresh``; a fresh read refreshes the cache."""
        key = CACHE_KEY.format(petition_key)
        if not fresh:
            cached = cache.get(key)
            if cached is not None:
                return cached
        counts = self.read(petition_key)
        cache.set(key, counts, conf.COUNT_CACHE_SECONDS)
        return counts

    def forget(self, petition_key) -> None:
        cache.delete(CACHE_KEY.format(petition_key))


class StateCounter(models.Model):
    """One shard of the number of a petition's signatures in one state (or ``expired``)."""

    petition_key = models.UUIDField()
    state = models.CharField(max_length=16)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    objects = StateCounterManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition_key", "state", "shard"], name="state_counter_shard")]

    def __str__(self):
        return f"{self.petition_key} {self.state} shard {self.shard}: {self.count}"
