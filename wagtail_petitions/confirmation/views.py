"""The page a confirmation link opens. Opening it (GET) changes nothing, so mail scanners and link previews that
follow links confirm nothing; the signer's button (POST) confirms. Expired and used links get a page that says so,
and an expired one offers a new mail.

No cookie, no CSRF token (there is no session to protect: the token in the URL is the only authority), never
cached, and the token never leaks through a ``Referer``.
"""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..choices import AWAITING_CONFIRMATION, SignatureState
from ..lookup import signed_link_target
from ..moderation import confirm_by_email
from . import outbox
from .tokens import read_token

TEMPLATE = "wagtail_petitions/confirm_signature.html"

# What the page shows.
CONFIRM = "confirm"  # the button
CONFIRMED = "confirmed"  # just confirmed
ALREADY = "already"  # the link was used before
EXPIRED = "expired"  # the link is too old; a button asks for a new mail
RESENT = "resent"  # a new mail was asked for
GONE = "gone"  # no such signature any more (expired unconfirmed, or deleted)
REFUSED = "refused"  # invalidated or quarantined: this link cannot make it count


def _find(token):
    link = read_token(token)
    if link is None:
        raise Http404("This confirmation link is not valid.")
    petition, signature = signed_link_target(link.page_id, link.signature_pk)
    return link, petition, signature


def _respond(request, petition, outcome, status=200, token=""):
    with translation.override(petition.language_code):
        context = petition.get_context(request)
        context.update(outcome=outcome, token=token, tally=petition.get_tally(fresh=outcome == CONFIRMED))
        response = TemplateResponse(request, TEMPLATE, context, status=status)
        response.render()
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _outcome_before_confirming(link, signature) -> str:
    if signature is None:
        return GONE
    if signature.state == SignatureState.COUNTED:
        return ALREADY
    if signature.state not in AWAITING_CONFIRMATION:
        return REFUSED
    return EXPIRED if link.expired else CONFIRM


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_signature(request, token):
    """GET: what the link is for, and the button. POST (the button): confirm."""
    link, petition, signature = _find(token)
    outcome = _outcome_before_confirming(link, signature)
    if request.method == "POST" and outcome == CONFIRM:
        # Clicked twice or at once: the second finds it confirmed already and changes nothing.
        outcome = CONFIRMED if confirm_by_email(signature) else ALREADY
    return _respond(request, petition, outcome, status=410 if outcome == GONE else 200, token=token)


@csrf_exempt
@require_POST
def resend_confirmation(request, token):
    """From an expired link: send a new one (if the signature still awaits confirmation; rate-limited)."""
    link, petition, signature = _find(token)
    outcome = _outcome_before_confirming(link, signature)
    if outcome in (EXPIRED, CONFIRM):
        outbox.request_resend(signature)
        outcome = RESENT
    return _respond(request, petition, outcome, status=410 if outcome == GONE else 200, token=token)
