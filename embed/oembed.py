"""oEmbed provider: ``GET /oembed?url=<petition page URL>&maxwidth=&maxheight=&format=json``.

Answers ``type: "rich"`` with the widget's iframe, so pasting a petition's URL into WordPress (or anything else
that speaks oEmbed) shows the signing widget; for a petition's figures page (``<petition URL>figures/``), an iframe
of that page. WordPress puts unknown providers' iframes in
``sandbox="allow-scripts"`` and appends ``#?secret=…``: the widget signs with fetch and answers its height message.
"""

from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Site

from wagtail_petitions.lookup import find_petition
from wagtail_petitions.models import Partner

from .snippets import IFRAME_HEIGHT, IFRAME_WIDTH, iframe_snippet, oembed_html, widget_src

DEFAULT_WIDTH = IFRAME_WIDTH
DEFAULT_HEIGHT = IFRAME_HEIGHT
MIN_SIZE = 200
CACHE_SECONDS = 3600
#: The last segment of a figures page's path (``<petition URL>figures/``).
FIGURES_PATH = "figures/"


def _error(status, message):
    response = JsonResponse({"error": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _size(value, default):
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        return default
    return max(MIN_SIZE, min(default, wanted)) if wanted > 0 else default


def _known_hosts(request):
    hosts = {request.get_host().lower()}
    for site in Site.objects.all():
        hosts.add(site.hostname.lower())
        hosts.add(f"{site.hostname}:{site.port}".lower())
    return hosts


def petition_for_url(request, url):
    """The live petition page that ``url`` points at (ours, exact path), or ``None``."""
    try:
        parts = urlsplit(url or "")
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:  # "http://[::1/": a malformed IPv6 host
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.netloc.lower() not in _known_hosts(request):
        return None
    # WordPress and browsers send a Unicode slug percent-encoded (UTF-8); Wagtail's page URLs have it as is.
    path = unquote(parts.path)
    segments = [s for s in path.split("/") if s]
    if not segments:
        return None
    languages = {code for code, _name in settings.LANGUAGES}
    language = segments[0] if len(segments) > 1 and segments[0] in languages else None
    petition = find_petition(segments[-1], language or settings.LANGUAGE_CODE)
    if petition is None:
        return None
    page_path = unquote(urlsplit(petition.get_url(request=request) or "").path)
    return petition if page_path.rstrip("/") == path.rstrip("/") else None


def partner_of_url(url):
    """The active partner named by ``?partner=`` in ``url`` (a tracked link), or ``None``."""
    slugs = parse_qs(urlsplit(url or "").query).get("partner") or [""]
    return Partner.objects.get_active(slugs[0][:64])


@require_safe
def oembed(request):
    if request.GET.get("format", "json") != "json":
        return _error(501, "Only format=json is supported.")
    if not request.GET.get("url"):
        return _error(400, "Give the petition page's address in url=.")
    url = request.GET["url"]
    try:
        figures = urlsplit(url).path.endswith(f"/{FIGURES_PATH}")
    except ValueError:  # a malformed address (e.g. an unclosed IPv6 bracket) is no petition page's
        return _error(404, "No petition page has this address.")
    petition = petition_for_url(request, url.split("?")[0].removesuffix(FIGURES_PATH) if figures else url)
    if petition is None:
        return _error(404, "No petition page has this address.")
    width = _size(request.GET.get("maxwidth"), DEFAULT_WIDTH)
    height = _size(request.GET.get("maxheight"), DEFAULT_HEIGHT)
    if figures:
        src = request.build_absolute_uri(petition.get_figures_url(request))
        html = iframe_snippet(src, _("Figures: %(title)s") % {"title": petition.title}, width, height)
    else:
        # A partner's tracked link (``/<slug>/?partner=…``) pasted into WordPress keeps its partner in the widget.
        partner = partner_of_url(url)
        partner_slug = partner.slug if partner else ""
        src = widget_src(
            request.build_absolute_uri("/"), petition.slug, petition.language_code, partner_slug, tracked_link=True
        )
        page_url = petition.get_full_url(request=request) or url
        if partner_slug:
            page_url += "?" + urlencode({"partner": partner_slug})
        html = oembed_html(src, petition.title, page_url, width, height)
    response = JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": petition.title,
            "provider_name": settings.WAGTAIL_SITE_NAME,
            "provider_url": request.build_absolute_uri("/"),
            "html": html,
            "width": width,
            "height": height,
            "cache_age": CACHE_SECONDS,
        }
    )
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def discovery_url(request, page):
    """The oEmbed endpoint URL for ``page``, for the ``<link rel="alternate">`` in its head. On a partner's tracked
    link (``?partner=``, an active partner) the page URL it names keeps the partner."""
    page_url = page.get_full_url(request=request)
    partner = Partner.objects.get_active(request.GET.get("partner", "")[:64])
    if partner is not None:
        page_url += "?" + urlencode({"partner": partner.slug})
    return request.build_absolute_uri(reverse("oembed")) + "?" + urlencode({"url": page_url, "format": "json"})
