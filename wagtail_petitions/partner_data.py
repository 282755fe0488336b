"""What a partner may see of a petition: the petitions it is part of, its own figures beside the total, and the
signatures it may receive. The one place that decides it, for the partner API and its OSDI shapes alike.

A partner receives a signature only if the signature was made through that partner (its widget or link), the signer
ticked the partner's consent box, and the signature counts (confirmed by email where the petition or the defences
ask for it; never a pending, held, quarantined or invalidated one). Everything is read through the petition's override
points (``get_tally``, ``get_signatures``, ``get_paper_batches``), never a concrete signature model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from wagtail.models import Locale

from .choices import Channel, SignatureState
from .models import PaperBatch, PartnerAccessRecord, TallyCounter, petition_pages


def partner_petitions(partner) -> list:
    """The live petitions (their specific pages, one per petition: the default language's when published) that
    ``partner`` is part of: some of their tally or paper batches are attributed to it."""
    keys = set(
        TallyCounter.objects.filter(partner_id=partner.pk).values_list("petition_key", flat=True).distinct()
    ) | set(PaperBatch.objects.filter(partner=partner).values_list("petition_key", flat=True).distinct())
    if not keys:
        return []
    try:
        default_locale_id = Locale.get_default().pk
    except Locale.DoesNotExist:
        default_locale_id = None
    chosen: dict = {}
    for page in petition_pages().live().filter(translation_key__in=keys).order_by("pk").specific():
        current = chosen.get(page.translation_key)
        if current is None or (page.locale_id == default_locale_id and current.locale_id != default_locale_id):
            chosen[page.translation_key] = page
    return sorted(chosen.values(), key=lambda page: page.pk)


def is_partner_petition(petition, partner) -> bool:
    """Has ``partner`` any part in ``petition``: a signature through it (in any state, so a partner whose signers
    have not confirmed yet gets an empty list rather than "not found"), or a paper batch?"""
    key = petition.get_tally_key()
    return (
        TallyCounter.objects.filter(petition_key=key, partner_id=partner.pk).exists()
        or PaperBatch.objects.filter(petition_key=key, partner=partner).exists()
        or petition.get_signatures().filter(partner_id=partner.pk).exists()
    )


@dataclass
class PartnerFigures:
    """A petition's total and, beside it, what came through one partner. Counts only, never personal data."""

    total: int = 0
    online: int = 0
    paper: int = 0
    partner_online: int = 0
    partner_paper: int = 0
    # (country code, partner online, partner paper, total): the countries the partner brought signatures from.
    by_country: list[tuple[str, int, int, int]] = field(default_factory=list)
    # (day, partner online, partner paper, total online, total paper), newest first.
    by_day: list[tuple[date, int, int, int, int]] = field(default_factory=list)

    @property
    def partner_total(self) -> int:
        return self.partner_online + self.partner_paper


def partner_figures(petition, partner) -> PartnerFigures:
    snapshot = petition.get_tally()
    figures = PartnerFigures(total=snapshot.total, online=snapshot.online, paper=snapshot.paper)
    country_totals: dict[str, int] = dict(snapshot.by_country)
    mine: dict[str, list[int]] = {}
    for channel, country, slug, n in snapshot.buckets:
        if slug != partner.slug:
            continue
        split = mine.setdefault(country, [0, 0])
        split[channel == Channel.PAPER] += n
        if channel == Channel.PAPER:
            figures.partner_paper += n
        else:
            figures.partner_online += n
    figures.by_country = sorted(
        ((code, online, paper, country_totals.get(code, 0)) for code, (online, paper) in mine.items()),
        key=lambda row: (-(row[1] + row[2]), row[0]),
    )
    days: dict[date, list[int]] = {}
    counted = petition.get_signatures().filter(state=SignatureState.COUNTED).annotate(day=TruncDate("created_at"))
    for day, n in counted.filter(partner=partner).values_list("day").annotate(n=Count("pk")).order_by():
        days.setdefault(day, [0, 0, 0, 0])[0] += n
    for day, n in counted.values_list("day").annotate(n=Count("pk")).order_by():
        days.setdefault(day, [0, 0, 0, 0])[2] += n
    batches = petition.get_paper_batches()
    for day, n in (
        batches.filter(partner=partner).values_list("collected_on").annotate(n=Sum("signature_count")).order_by()
    ):
        days.setdefault(day, [0, 0, 0, 0])[1] += n or 0
    for day, n in batches.values_list("collected_on").annotate(n=Sum("signature_count")).order_by():
        days.setdefault(day, [0, 0, 0, 0])[3] += n or 0
    figures.by_day = [(day, *days[day]) for day in sorted(days, reverse=True)]
    return figures


def partner_signatures(petition, partner, *, since=None):
    """The signatures of ``petition`` that ``partner`` may receive, oldest first by primary key (a stable order for
    cursors). ``since``: only those that counted from then on (signed then, or confirmed then)."""
    signatures = petition.get_signatures().filter(
        partner_id=partner.pk, consent_partner=True, state=SignatureState.COUNTED
    )
    if since is not None:
        signatures = signatures.alias(counted_from=Coalesce("confirmed_at", "created_at")).filter(
            counted_from__gte=since
        )
    return signatures.order_by("pk")


def record_access(token, *, resource: str, petition=None, format: str, rows: int, parameters: str = ""):
    """Record one read of signers' personal data by ``token``'s partner (shown to editors)."""
    return PartnerAccessRecord.objects.create(
        partner_id=token.partner_id,
        token=token,
        token_name=token.name[:200],
        resource=resource,
        petition_key=petition.get_tally_key() if petition is not None else None,
        petition_title=(petition.title if petition is not None else "")[:255],
        format=format,
        rows=rows,
        parameters=parameters[:500],
    )
