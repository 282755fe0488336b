"""The codes partners paste: the one-tag loader, a placeholder, a pinned (SRI) loader, and a plain iframe."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html

from .assets import load

IFRAME_WIDTH = 560
IFRAME_HEIGHT = 720


def widget_src(site_url: str, slug: str, language: str = "", partner: str = "") -> str:
    query = urlencode({k: v for k, v in (("lang", language), ("partner", partner)) if v})
    return f"{site_url.rstrip('/')}{reverse('embed:widget', args=[slug])}" + (f"?{query}" if query else "")


def iframe_snippet(src: str, title: str, width=IFRAME_WIDTH, height=IFRAME_HEIGHT) -> str:
    """For hosts that allow no script: a fixed-size iframe (no resizing, no events)."""
    return str(
        format_html(
            '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" referrerpolicy="no-referrer" '
            'allow="web-share" style="border:0;max-width:100%"></iframe>',
            src,
            title,
            width,
            height,
        )
    )


def snippets(site_url: str, slug: str, title: str, language: str = "", partner: str = "") -> dict[str, str]:
    site_url = site_url.rstrip("/")
    asset = load("loader.js")
    data = format_html('data-petition="{}" data-partner="{}" data-lang="{}"', slug, partner, language)
    return {
        "script": format_html('<script async src="{}/embed/v1/embed.js" {}></script>', site_url, data),
        "placeholder": format_html(
            '<div data-petition-widget {}></div>\n<script async src="{}/embed/v1/embed.js"></script>', data, site_url
        ),
        "pinned": format_html(
            '<script async src="{}/embed/v1/embed.{}.js" integrity="{}" crossorigin="anonymous" {}></script>',
            site_url,
            asset.digest,
            asset.sri384,
            data,
        ),
        "iframe": iframe_snippet(widget_src(site_url, slug, language, partner), title),
    }
