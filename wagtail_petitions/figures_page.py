"""The public figures page of a petition (``<petition URL>figures/``): its context, charts and tables.

Counts come from ``wagtail_petitions.public_figures`` only, like the stats API, so the page and the open data agree.
"""

from __future__ import annotations

from .public_figures import public_figures


def figures_page_context(petition, request) -> dict:
    return {"page": petition, "self": petition, "request": request, "figures": public_figures(petition)}
