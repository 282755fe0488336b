"""Counts for editors: the figures panel and the per-petition report. Counts only, never personal data.

Everything is read through the petition's override points (``get_tally``, ``get_state_counts``, ``get_signatures``,
``get_paper_batches``), so a petition page type with its own signature model gets the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_countries import countries

from .choices import Channel, SignatureState


@dataclass
class Figures:
    total: int = 0
    online: int = 0
    paper: int = 0
    goal: int = 0
    displayed_goal: int = 0
    last_24h_online: int = 0
    last_24h_paper: int = 0
    # From the per-state counts (``get_state_counts``): never a scan of signatures.
    pending: int = 0
    held: int = 0
    quarantined: int = 0
    invalidated: int = 0
    expired: int = 0
    withdrawn: int = 0
    requires_confirmation: bool = False
    by_country: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, count)
    by_partner: list[tuple[str, int]] = field(default_factory=list)  # (name, count)
    paper_batches: int = 0


def petition_figures(petition, top: int | None = 5) -> Figures:
    """The live figures of ``petition`` (any translation), read fresh from the tally."""
    snapshot = petition.get_tally(fresh=True)
    since = timezone.now() - timedelta(hours=24)
    signatures = petition.get_signatures()
    by_country = [(code, countries.name(code) or code, n) for code, n in snapshot.by_country]
    by_partner = [(snapshot.partner_names.get(slug, slug), n) for slug, n in snapshot.by_partner]
    paper = petition.get_paper_batches()
    states = petition.get_state_counts(fresh=True)
    return Figures(
        total=snapshot.total,
        online=snapshot.online,
        paper=snapshot.paper,
        goal=petition.goal,
        displayed_goal=petition.get_displayed_goal(snapshot.total),
        last_24h_online=signatures.filter(state=SignatureState.COUNTED, created_at__gte=since).count(),
        last_24h_paper=paper_since(paper, since),
        pending=states.pending,
        held=states.held,
        quarantined=states.quarantined,
        invalidated=states.invalidated,
        expired=states.expired,
        withdrawn=states.withdrawn,
        requires_confirmation=petition.requires_confirmation(),
        by_country=by_country[:top] if top else by_country,
        by_partner=by_partner[:top] if top else by_partner,
        paper_batches=paper.count(),
    )


def paper_since(batches, since) -> int:
    """Paper signatures collected since ``since``. Paper counts on the day it was collected, not the day someone
    typed it in: a week of sheets entered on Monday is no Monday surge. A batch has a date, not a time, so the
    window is the days it touches (in ``TIME_ZONE``)."""
    return batches.filter(collected_on__gte=timezone.localdate(since)).aggregate(n=Sum("signature_count"))["n"] or 0


@dataclass(frozen=True)
class FigureRow:
    """One line of the per-petition report: a country, a partner or a day, with online and paper counts."""

    dimension: str
    label: str
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


def _split_by_channel(pairs) -> dict[object, list[int]]:
    """``{key: [online, paper]}`` from ``(key, channel, count)`` triples."""
    split: dict[object, list[int]] = {}
    for key, channel, n in pairs:
        split.setdefault(key, [0, 0])[channel == Channel.PAPER] += n or 0
    return split


def _largest_first(split):
    return sorted(split.items(), key=lambda item: -sum(item[1]))


def petition_report_rows(petition, *, dimensions=("country", "partner", "day"), labels=None) -> list[FigureRow]:
    """Counts by country and by partner (from the tally) and by day (online signatures and paper batches)."""
    labels = labels or {"country": "country", "partner": "partner", "day": "day"}
    snapshot = petition.get_tally(fresh=True)
    rows: list[FigureRow] = []
    if "country" in dimensions:
        split = _split_by_channel((country, channel, n) for channel, country, _slug, n in snapshot.buckets)
        for code, (online, paper) in _largest_first(split):
            label = f"{countries.name(code)} ({code})" if code else "—"
            rows.append(FigureRow(labels["country"], label, online, paper))
    if "partner" in dimensions:
        split = _split_by_channel((slug, channel, n) for channel, _country, slug, n in snapshot.buckets)
        for slug, (online, paper) in _largest_first(split):
            rows.append(FigureRow(labels["partner"], snapshot.partner_names.get(slug, "—"), online, paper))
    if "day" in dimensions:
        days: dict[date, list[int]] = {}
        online_by_day = (
            petition.get_signatures()
            .filter(state=SignatureState.COUNTED)
            .annotate(day=TruncDate("created_at"))
            .values_list("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for day, n in online_by_day:
            days.setdefault(day, [0, 0])[0] += n
        paper_by_day = (
            petition.get_paper_batches().values_list("collected_on").annotate(n=Sum("signature_count")).order_by()
        )
        for day, n in paper_by_day:
            days.setdefault(day, [0, 0])[1] += n or 0
        for day in sorted(days, reverse=True):
            rows.append(FigureRow(labels["day"], day.isoformat(), *days[day]))
    return rows
