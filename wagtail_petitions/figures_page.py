"""The public figures page of a petition (``<petition URL>figures/``): its context, charts and tables.

Counts come from ``wagtail_petitions.public_figures`` only, like the stats API, so the page and the open data agree.
Charts are drawn once per change of the figures and kept in the cache.
"""

from __future__ import annotations

import hashlib
import pickle

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_countries import countries

from . import charts
from .conf import conf
from .public_figures import OTHER_PARTNERS, public_figures

CHART_CACHE_KEY = "wagtail_petitions:figures_charts:v1:{}"
CHART_CACHE_SECONDS = 24 * 3600


def _api_url(name, slug, **query) -> str | None:
    """A URL of the open-data API, if it is mounted (the plugin works without it)."""
    try:
        url = reverse(f"widget_api:{name}", args=[slug])
    except NoReverseMatch:
        return None
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def chart_svgs(figures) -> dict[str, str]:
    """The figures' charts (``cumulative``, ``daily``, ``map``) in the active language, from the cache when these
    figures were drawn before."""
    fingerprint = hashlib.blake2b(pickle.dumps(figures), digest_size=16).hexdigest()
    key = CHART_CACHE_KEY.format(f"{translation.get_language()}:{fingerprint}")
    svgs = cache.get(key)
    if svgs is None:
        svgs = {
            "cumulative": charts.cumulative_svg(figures),
            "daily": charts.daily_bars_svg(figures),
            "map": charts.world_map_svg(figures),
        }
        cache.set(key, svgs, CHART_CACHE_SECONDS)
    return svgs


def figures_page_context(petition, request) -> dict:
    figures = public_figures(petition)
    country_rows = [
        {
            "code": row.key,
            "name": countries.name(row.key) or row.key,
            "online": row.online,
            "paper": row.paper,
            "total": row.total,
            "share": figures.share(row.total),
        }
        for row in figures.countries
    ]
    names = {**figures.partner_names, OTHER_PARTNERS: _("Other partners")}
    partner_rows = [
        {"name": names.get(row.key, row.key), "online": row.online, "paper": row.paper, "total": row.total}
        for row in figures.partners
    ]
    paper_rows = [
        {"name": names.get(row.key, row.key) if row.key else _("The organisers"), "paper": row.paper}
        for row in figures.paper_by_collector
    ]
    return {
        "page": petition,
        "self": petition,
        "request": request,
        "figures": figures,
        "country_rows": country_rows,
        "partner_rows": partner_rows,
        "paper_rows": paper_rows,
        "days": list(reversed(figures.days)),
        "charts": chart_svgs(figures),
        "stats_csv_url": _api_url("petition-stats", petition.slug, format="csv"),
        "history_csv_url": _api_url("petition-history", petition.slug, interval="day", format="csv"),
        "stats_url": _api_url("petition-stats", petition.slug),
        "petition_url": petition.get_url(request),
        "map_url": petition.get_figures_url(request) + "map/",
    }


def figures_map_response(petition) -> HttpResponse:
    with translation.override(petition.language_code):
        svg = chart_svgs(public_figures(petition))["map"]
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    patch_cache_control(
        response,
        public=True,
        max_age=conf.FIGURES_MAX_AGE,
        stale_while_revalidate=conf.FIGURES_STALE_WHILE_REVALIDATE,
    )
    return response
