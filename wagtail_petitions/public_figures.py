"""What the public may know about a petition's numbers: the figures page, the stats and history API (JSON and CSV),
the share card and the badge all read them here, so they always agree.

Built only from counter rows, through the petition's override points: the tally (``get_tally``), the per-state
counts (``get_state_counts``), the count history (``TallyHistory``) and the milestones (``get_milestones``): the
same cost at a thousand or ten million signatures. Partners are named only when they agreed to be listed
(``Partner.listed``); the others are summed as "other partners". Nothing personal is ever in here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache

from .conf import conf
from .models.partners import Partner
from .models.tally import TallyHistory

CACHE_KEY = "wagtail_petitions:public_figures:v1:{}:{}"
#: The slug under which partners that are not listed are summed.
OTHER_PARTNERS = "other"


@dataclass(frozen=True)
class Split:
    """Online and paper signatures of something (a country, a partner, a period)."""

    key: str
    online: int = 0
    paper: int = 0

    @property
    def total(self) -> int:
        return self.online + self.paper


@dataclass(frozen=True)
class Period:
    """What was added in a period (an hour or a UTC day) and the running totals at its end."""

    start: datetime
    online: int
    paper: int
    cumulative_online: int
    cumulative_paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper

    @property
    def cumulative(self) -> int:
        return self.cumulative_online + self.cumulative_paper


@dataclass(frozen=True)
class Milestone:
    count: int
    reached_on: date | None  # the UTC day the count first reached it, or None


@dataclass(frozen=True)
class PublicFigures:
    slug: str
    language: str
    title: str
    status: str
    is_open: bool
    total: int
    online: int
    paper: int
    goal: int
    displayed_goal: int
    # Online signatures by state (``get_state_counts``): counted ones are the confirmed ones (or needed no mail).
    confirmed: int
    pending: int
    invalidated: int
    quarantined: int
    expired: int
    requires_confirmation: bool
    countries: tuple[Split, ...] = ()  # largest first; key: ISO 3166 code
    partners: tuple[Split, ...] = ()  # listed partners (key: slug), then OTHER_PARTNERS; largest first
    partner_names: dict[str, str] = field(default_factory=dict)
    # Paper signatures by who collected them: listed partners, OTHER_PARTNERS, "" (the organisers).
    paper_by_collector: tuple[Split, ...] = ()
    days: tuple[Period, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    closes_at: datetime | None = None
    delivered_on: date | None = None
    delivered_to: str = ""
    delivery_text: str = ""
    updated_at: datetime | None = None

    def share(self, n: int) -> float:
        """``n`` as a percentage of the total (0 when there is none), one decimal."""
        return round(100 * n / self.total, 1) if self.total else 0.0


def cumulative(points) -> list[Period]:
    """``Period``s from ``(start, online, paper)`` points, oldest first."""
    periods, online, paper = [], 0, 0
    for start, added_online, added_paper in points:
        online += added_online
        paper += added_paper
        periods.append(Period(start, added_online, added_paper, online, paper))
    return periods


def history(petition, interval: str = "day") -> list[Period]:
    """The petition's count over time, per ``interval`` (``"hour"`` or ``"day"``, UTC): from the history rows."""
    return cumulative(TallyHistory.objects.points(petition.get_tally_key(), interval))


def _splits(pairs) -> tuple[Split, ...]:
    split: dict[str, list[int]] = {}
    for key, channel, n in pairs:
        split.setdefault(key, [0, 0])[channel == "paper"] += n
    rows = [Split(key, online, paper) for key, (online, paper) in split.items() if online or paper]
    return tuple(sorted(rows, key=lambda row: (-row.total, row.key)))


def public_figures(petition, fresh: bool = False) -> PublicFigures:
    """The public figures of ``petition`` (this translation's texts, every translation's counts), built from the
    counter rows and kept ``FIGURES_CACHE_SECONDS`` unless ``fresh``."""
    key = CACHE_KEY.format(petition.pk, petition.get_tally_key())
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    figures = build_public_figures(petition, fresh=fresh)
    if conf.FIGURES_CACHE_SECONDS:
        cache.set(key, figures, conf.FIGURES_CACHE_SECONDS)
    return figures


def build_public_figures(petition, fresh: bool = False) -> PublicFigures:
    tally = petition.get_tally(fresh=fresh)
    states = petition.get_state_counts(fresh=fresh)
    partner_slugs = {slug for _channel, _country, slug, _n in tally.buckets if slug}
    listed = set(Partner.objects.filter(slug__in=partner_slugs, listed=True).values_list("slug", flat=True))

    def collector(slug):
        return slug if slug in listed or not slug else OTHER_PARTNERS

    countries = _splits((country, channel, n) for channel, country, _slug, n in tally.buckets if country)
    partners = _splits((collector(slug), channel, n) for channel, _country, slug, n in tally.buckets if slug)
    paper_by_collector = tuple(
        Split(row.key, 0, row.paper)
        for row in _splits((collector(slug), channel, n) for channel, _country, slug, n in tally.buckets)
        if row.paper
    )
    points = TallyHistory.objects.points(petition.get_tally_key(), "day", fresh=fresh)
    days = cumulative(points)
    milestones = []
    for count in petition.get_milestones(tally.total):
        reached = next((period.start.date() for period in days if period.cumulative >= count), None)
        milestones.append(Milestone(count, reached if tally.total >= count else None))
    delivery = petition.get_delivery_update()
    return PublicFigures(
        slug=petition.slug,
        language=petition.language_code,
        title=petition.title,
        status=petition.status,
        is_open=petition.is_open(),
        total=tally.total,
        online=tally.online,
        paper=tally.paper,
        goal=petition.goal,
        displayed_goal=petition.get_displayed_goal(tally.total),
        confirmed=states.counted,
        pending=states.awaiting_confirmation,
        invalidated=states.invalidated,
        quarantined=states.quarantined,
        expired=states.expired,
        requires_confirmation=petition.requires_confirmation(),
        countries=countries,
        partners=partners,
        partner_names={slug: name for slug, name in tally.partner_names.items() if slug in listed},
        paper_by_collector=paper_by_collector,
        days=tuple(days),
        milestones=tuple(milestones),
        closes_at=petition.closes_at,
        delivered_on=delivery.delivered_on if delivery else None,
        delivered_to=petition.target if delivery else "",
        delivery_text=delivery.text if delivery else "",
        updated_at=tally.updated_at,
    )
