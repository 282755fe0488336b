"""The loader script, its pinned copies, and the widget page that partners' iframes show."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from wagtail_petitions.conf import conf
from wagtail_petitions.lookup import find_petition
from wagtail_petitions.models import Partner, normalize_origin
from wagtail_petitions.signing.attribution import TRACKED_LINK
from widget_api.i18n import accepted_languages, supported_language

from .assets import inline, load, loader_release
from .theme import Theme

LOADER_MAX_AGE = 300
LOADER_STALE_WHILE_REVALIDATE = 86400
PINNED_MAX_AGE = 365 * 86400


def _loader_response(text, **cache):
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, public=True, **cache)
    # Anyone may load it, also with ``integrity=`` (SRI needs CORS) and from pages with COEP.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def loader(request):
    """``/embed/v1/embed.js``: short cache, revalidated in the background, so fixes reach every partner soon."""
    return _loader_response(
        load("loader.js").text, max_age=LOADER_MAX_AGE, stale_while_revalidate=LOADER_STALE_WHILE_REVALIDATE
    )


@require_safe
def pinned_loader(request, digest):
    """``/embed/v1/embed.<digest>.js``: one released loader, byte for byte, forever (partners pin it with SRI)."""
    text = loader_release(digest)
    if text is None:
        raise Http404("No loader release has this digest.")
    return _loader_response(text, max_age=PINNED_MAX_AGE, immutable=True)


@require_safe
def loader_manifest(request):
    """``/embed/v1/embed.json``: the current pinned loader's URL and its SRI hash, for partners who pin."""
    asset = load("loader.js")
    url = request.build_absolute_uri(reverse("embed:pinned-loader", args=[asset.digest]))
    response = JsonResponse({"version": asset.digest, "url": url, "integrity": asset.sri384})
    patch_cache_control(response, public=True, max_age=LOADER_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def choose_language(request, petition_language):
    """``?lang=`` (the embed's ``data-lang`` or the host element's ``lang``), else the browser's languages,
    else the petition's own language, else the site's."""
    candidates = [request.GET.get("lang", "")]
    candidates += accepted_languages(request.headers.get("accept-language"))
    for candidate in candidates:
        if language := supported_language(candidate):
            return language
    return supported_language(petition_language) or settings.LANGUAGE_CODE


def _parent_origin(value: str) -> str:
    try:
        return normalize_origin(value) if value else ""
    except ValidationError:
        return ""


def share_links(petition_url, title, share_text=""):
    """Plain links, no third-party script or image: nothing reaches those sites unless the signer clicks. The text is
    the editor's share text when there is one."""
    text = share_text.strip() or _("I signed “%(title)s”. Will you sign too?") % {"title": title}
    message = f"{text} {petition_url}"

    def q(value):
        return quote(value, safe="")

    return [
        ("email", _("Email"), f"mailto:?subject={q(title)}&body={q(message)}"),
        ("whatsapp", "WhatsApp", f"https://wa.me/?text={q(message)}"),
        ("mastodon", "Mastodon", f"https://toot.kytta.dev/?text={q(message)}"),
        ("bluesky", "Bluesky", f"https://bsky.app/intent/compose?text={q(message)}"),
        ("x", "X", f"https://x.com/intent/post?text={q(text)}&url={q(petition_url)}"),
        ("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?u={q(petition_url)}"),
    ], text


@xframe_options_exempt
@require_safe
def widget(request, slug):
    """The widget document: server-rendered with the current count, one request to first render."""
    original = find_petition(slug)
    if original is None:
        with translation.override(choose_language(request, "")):
            response = render(request, "embed/not_found.html", {"style": load("widget.css")}, status=404)
        return _secure(response, scripts=[], styles=[load("widget.css")])
    language = choose_language(request, original.language_code)
    petition = find_petition(slug, language) or original
    partner_slug = request.GET.get("partner", "")[:64]
    partner = Partner.objects.get_active(partner_slug)
    theme = Theme.from_query(request.GET)
    tally = petition.get_tally()
    goal = petition.get_displayed_goal(tally.total)
    petition_url = shared_url(request, petition, partner)
    script, style = load("widget.js"), load("widget.css")
    theme_style = inline(theme.css()) if theme.css() else None
    with translation.override(language):
        links, share_text = share_links(petition_url, petition.title, petition.share_text)
        # Inside WordPress's sandbox (no pop-ups, no navigation) a link can only ask WordPress to open an address
        # of ours in the top window: the share links go through ``share`` below, which redirects.
        query = urlencode({k: v for k, v in (("lang", language), ("partner", partner.slug if partner else "")) if v})
        share_base = request.build_absolute_uri(reverse("embed:share", args=[petition.slug, "__network__"]))
        links = [(key, label, href, share_base.replace("__network__", key) + "?" + query) for key, label, href in links]
        config = {
            "petition": petition.slug,
            "partner": partner.slug if partner else "",
            "lang": language,
            "parent": _parent_origin(request.GET.get("parent", "")),
            # Embedded from the partner's tracked link (oEmbed): the API credits the partner on any host.
            "via": TRACKED_LINK if partner and request.GET.get("via") == TRACKED_LINK else "",
            "count": tally.total,
            "goal": goal,
            "signUrl": reverse("widget_api:signature-create", args=[petition.slug]) + f"?lang={language}",
            "countUrl": reverse("widget_api:petition-count", args=[petition.slug]),
            "refreshSeconds": conf.EMBED_COUNT_REFRESH_SECONDS,
            "share": {"title": petition.title, "text": share_text, "url": petition_url},
            "strings": {
                "sending": _("Sending your signature…"),
                "fix": _("Please correct the fields marked below."),
                "failed": _("Your signature could not be sent. Check your connection and try again."),
                "busy": _("Too many signatures are being sent right now. Please try again in a minute."),
                "server": _("Our server has a problem. What you typed is kept: please try again in a moment."),
                "inflight": _("Your signature is still being processed. Please wait a moment and try again."),
                "closed": _("This petition is closed and no longer takes signatures."),
                "signed": _("Your signature has been counted."),
                "check": _("Check your inbox to confirm your signature."),
                "solving": _("Checking that you are a person (a few seconds)…"),
                "copied": _("Link copied."),
                "select": _("Press Ctrl+C (⌘C on a Mac) to copy the selected link."),
            },
        }
        content_language = petition.language_code if petition.language_code != language else ""
        response = render(
            request,
            "embed/widget.html",
            {
                "petition": petition,
                "partner": partner,
                "tally": tally,
                "goal": goal,
                "form": petition.get_signature_form_class()(partner=partner),
                "config": config,
                "script": script,
                "style": style,
                "theme": theme,
                "theme_style": theme_style,
                "share_links": links,
                "language": language,
                "language_bidi": translation.get_language_bidi(),
                # The petition's own text, when it is not in the widget's language, says which language it is in.
                "content_attrs": format_html(
                    ' lang="{}" dir="{}"',
                    content_language,
                    "rtl" if translation.get_language_info(content_language)["bidi"] else "ltr",
                )
                if content_language
                else "",
            },
        )
    patch_cache_control(response, public=True, max_age=conf.EMBED_WIDGET_MAX_AGE)
    patch_vary_headers(response, ["Accept-Language"])
    response["Content-Language"] = language
    return _secure(response, scripts=[script], styles=[style] + ([theme_style] if theme_style else []))


def shared_url(request, petition, partner=None) -> str:
    """The petition page's address that signers share: the partner's tracked link when a partner is named."""
    url = request.build_absolute_uri(petition.get_url(request=request) or "/")
    return url + "?" + urlencode({"partner": partner.slug}) if partner else url


class ShareRedirect(HttpResponseRedirect):
    allowed_schemes = ["http", "https", "mailto"]  # the email link is a mailto: one


@require_safe
def share(request, slug, network):
    """Sends the signer on to a share service (a redirect): what a share link of the widget opens where the widget
    cannot open pop-ups (WordPress's sandbox lets it ask for an address on its own host only)."""
    petition = find_petition(slug, request.GET.get("lang"))
    if petition is None:
        raise Http404("No petition has this slug.")
    partner = Partner.objects.get_active(request.GET.get("partner", "")[:64])
    with translation.override(choose_language(request, petition.language_code)):
        links, _text = share_links(shared_url(request, petition, partner), petition.title, petition.share_text)
    href = next((href for key, _label, href in links if key == network), None)
    if href is None:
        raise Http404("Unknown share service.")
    response = ShareRedirect(href)
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, public=True, max_age=conf.EMBED_WIDGET_MAX_AGE)
    return response


def _secure(response, scripts, styles):
    """A CSP that allows only what the widget uses: its own inline code (by hash) and requests to us."""
    response["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join(s.csp_hash for s in scripts) or "'none'"),
            "style-src " + " ".join(s.csp_hash for s in styles),
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors *",
            # The widget writes text only (textContent), never HTML: no DOM XSS sink may be used at all.
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
        ]
    )
    response["Referrer-Policy"] = "no-referrer"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    response["X-Content-Type-Options"] = "nosniff"
    return response
