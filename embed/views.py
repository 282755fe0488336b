"""The loader script and the widget page that partners' iframes show."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from wagtail_petitions.lookup import find_petition
from wagtail_petitions.models import Partner, normalize_origin

from .assets import load

LOADER_MAX_AGE = 300
LOADER_STALE_WHILE_REVALIDATE = 86400
WIDGET_MAX_AGE = 30
COUNT_REFRESH_SECONDS = 30


@require_safe
def loader(request):
    """``/embed/v1/embed.js``: short cache, revalidated in the background, so fixes reach every partner soon."""
    response = HttpResponse(load("loader.js").text, content_type="text/javascript; charset=utf-8")
    patch_cache_control(
        response, public=True, max_age=LOADER_MAX_AGE, stale_while_revalidate=LOADER_STALE_WHILE_REVALIDATE
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _parent_origin(value: str) -> str:
    try:
        return normalize_origin(value) if value else ""
    except Exception:
        return ""


@xframe_options_exempt
@require_safe
def widget(request, slug):
    """The widget document: server-rendered with the current count, one request to first render."""
    requested_language = (request.GET.get("lang") or "").strip()[:16]
    petition = find_petition(slug, requested_language or None)
    if petition is None:
        response = render(request, "embed/not_found.html", {"style": load("widget.css")}, status=404)
        return _secure(response, scripts=[], styles=[load("widget.css")])
    partner_slug = request.GET.get("partner", "")
    partner = Partner.objects.filter(slug=partner_slug, is_active=True).first() if partner_slug else None
    tally = petition.get_tally()
    language = petition.language_code
    script, style = load("widget.js"), load("widget.css")
    with translation.override(language):
        config = {
            "petition": petition.slug,
            "partner": partner.slug if partner else "",
            "lang": language,
            "parent": _parent_origin(request.GET.get("parent", "")),
            "wid": request.GET.get("wid", "")[:16],
            "count": tally.total,
            "goal": petition.get_displayed_goal(tally.total),
            "signUrl": reverse("widget_api:signature-create", args=[petition.slug]) + f"?lang={language}",
            "countUrl": reverse("widget_api:petition-count", args=[petition.slug]),
            "refreshSeconds": COUNT_REFRESH_SECONDS,
            "strings": {
                "sending": translation.gettext("Sending your signature…"),
                "fix": translation.gettext("Please correct the fields marked below."),
                "failed": translation.gettext("Your signature could not be sent. Check your connection and try again."),
                "busy": translation.gettext(
                    "Too many signatures are being sent right now. Please try again in a minute."
                ),
                "closed": translation.gettext("This petition is closed and no longer takes signatures."),
            },
        }
        response = render(
            request,
            "embed/widget.html",
            {
                "petition": petition,
                "partner": partner,
                "tally": tally,
                "form": petition.get_signature_form_class()(),
                "config": config,
                "script": script,
                "style": style,
                "language_bidi": translation.get_language_bidi(),
            },
        )
    patch_cache_control(response, public=True, max_age=WIDGET_MAX_AGE)
    return _secure(response, scripts=[script], styles=[style])


def _secure(response, scripts, styles):
    """A CSP that allows only what the widget uses: its own inline code (by hash) and requests to us."""
    response["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join(s.csp_hash for s in scripts) or "'none'"),
            "style-src " + " ".join(s.csp_hash for s in styles),
            "connect-src 'self'",
            "img-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors *",
        ]
    )
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Opener-Policy"] = "same-origin"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    return response
