"""Automatic redirects (``wagtail.contrib.redirects``) never lead from a page's own URL back to it.

Wagtail 8.0 adds a redirect from a page's old URL each time its slug changes or it moves, drafts included (the slug
of a page never published follows its title as it is typed, and each autosave writes it), and never removes one
whose old URL has become the page's URL again (a slug changed and changed back). While that page is not live its URL
answers 404, so the redirect sends the URL to itself: a permanent redirect loop that browsers remember. Such
redirects are removed once each slug change or move is committed.
"""

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page


def page_own_path(redirect: Redirect) -> str | None:
    """The normalised path ``redirect`` leads to when it leads to its own site, else ``None``."""
    parts = redirect.redirect_page.specific_deferred.get_url_parts()
    if parts is None or redirect.site_id not in (None, parts[0]):
        return None
    route = Redirect.normalise_page_route_path(redirect.redirect_page_route_path or "")
    return Redirect.normalise_path(parts[2].rstrip("/") + (route or "/"))


def forget_redirects_to_themselves(sender, instance: Page, **kwargs) -> None:
    """``page_slug_changed`` and ``post_page_move`` receiver: drop the automatic redirects into the page and its
    descendants that start at the URL they lead to."""
    automatic = Redirect.objects.filter(automatically_created=True, redirect_page__path__startswith=instance.path)
    loops = [
        redirect.pk
        for redirect in automatic.select_related("redirect_page")
        if page_own_path(redirect) == redirect.old_path
    ]
    if loops:
        Redirect.objects.filter(pk__in=loops).delete()
