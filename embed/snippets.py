"""The one builder of the codes partners paste: the one-tag loader, a placeholder, a pinned (SRI) loader and a plain
iframe. The admin's Embed codes page, ``manage.py embed_snippets``, oEmbed and the README all show its output."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from wagtail_petitions.signing.attribution import TRACKED_LINK

from .assets import load

IFRAME_WIDTH = 560
IFRAME_HEIGHT = 720


def widget_src(site_url: str, slug: str, language: str = "", partner: str = "", tracked_link: bool = False) -> str:
    """The widget page's URL (what the iframes show). ``tracked_link``: embedded from the partner's tracked link
    (oEmbed), so its signatures are credited to the partner on any site (``signing.attribution``)."""
    params = (("lang", language), ("partner", partner), ("via", TRACKED_LINK if partner and tracked_link else ""))
    query = urlencode({k: v for k, v in params if v})
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


def oembed_html(src: str, title: str, page_url: str, width=IFRAME_WIDTH, height=IFRAME_HEIGHT) -> str:
    """What oEmbed consumers paste, shaped for WordPress (``wp-includes/embed.php``): it keeps only ``src``, ``width``,
    ``height``, ``title``, ``frameborder``, ``marginwidth``, ``marginheight`` and ``scrolling`` of an iframe, and it
    loads its resizing script (``wp-embed.js``) only when the HTML has a ``<blockquote>``. The blockquote, a link to
    the petition page, is shown until the widget sends its height, then hidden by WordPress."""
    return str(
        format_html(
            '<blockquote><a href="{}">{}</a></blockquote>'
            '<iframe src="{}" title="{}" width="{}" height="{}" frameborder="0" marginwidth="0" marginheight="0" '
            'loading="lazy" referrerpolicy="no-referrer" allow="web-share" style="border:0;max-width:100%"></iframe>',
            page_url,
            title,
            src,
            title,
            width,
            height,
        )
    )


def _data_attributes(slug, partner, language):
    pairs = [("petition", slug), ("partner", partner), ("lang", language)]
    return format_html_join(" ", 'data-{}="{}"', [(name, value) for name, value in pairs if value])


def snippets(site_url: str, slug: str, title: str, language: str = "", partner: str = "") -> dict[str, str]:
    """Every code for a petition, in the order partners are offered them. Empty attributes are left out."""
    site_url = site_url.rstrip("/")
    loader_url = site_url + reverse("embed:loader")
    asset = load("loader.js")
    pinned_url = site_url + reverse("embed:pinned-loader", args=[asset.digest])
    data = _data_attributes(slug, partner, language)
    return {
        "script": str(format_html('<script async src="{}" {}></script>', loader_url, data)),
        "placeholder": str(
            format_html('<div data-petition-widget {}></div>\n<script async src="{}"></script>', data, loader_url)
        ),
        "pinned": str(
            format_html(
                '<script async src="{}" integrity="{}" crossorigin="anonymous" {}></script>',
                pinned_url,
                asset.sri384,
                data,
            )
        ),
        "iframe": iframe_snippet(widget_src(site_url, slug, language, partner), title),
    }
