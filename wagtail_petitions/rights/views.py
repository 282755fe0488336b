"""``/petitions/my-signatures/``: a signer sees, downloads, and withdraws or erases their signatures.

1. The signer types their address (``my_signatures``): the answer is the same whether or not it signed anything, and
   the link is mailed by the worker (``outbox``).
2. The link (``my_signatures_link``, GET) shows every signature of that address: petition, date, consents and the
   exact texts agreed to. Opening it changes nothing.
3. Every action (``my_signatures_manage``) is a POST carrying the signed token in the form (signers get no cookie or
   session): download as JSON, withdraw the consent to updates or to the partner, erase a signature.

Never cached, no ``Referer`` (the token must not leak), no indexing. These URLs have no language prefix and belong to
no one petition, so the page speaks the browser's language (``Accept-Language``), not always ``LANGUAGE_CODE``.
"""

from __future__ import annotations

import functools
import json

from django import forms
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import moderation
from ..defence import Client, Throttled, count_attempt
from ..text import EMAIL_MAX_LENGTH
from . import outbox
from .data import petitions_for, signature_data, signature_ref, signatures_of
from .tokens import BadLink, make_token, read_token

TEMPLATE = "wagtail_petitions/my_signatures.html"
ERASE_REASON = "Erased by the signer (My signatures)"


class EmailForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"), max_length=EMAIL_MAX_LENGTH)


def get_signer_language(request) -> str:
    """The language of the my-signatures pages: the browser's preferred one among ``settings.LANGUAGES``."""
    return translation.get_language_from_request(request, check_path=False)


def in_signer_language(view):
    """Run ``view`` (its messages and its template) in ``get_signer_language``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = get_signer_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def _respond(request, context, status=200):
    response = TemplateResponse(request, TEMPLATE, context, status=status)
    response.render()
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@in_signer_language
def my_signatures(request):
    """Ask for the link. The same answer whether or not the address signed (nobody can probe who signed)."""
    if request.method != "POST":
        return _respond(request, {"step": "ask", "form": EmailForm()})
    try:
        count_attempt(Client.from_request(request))
    except Throttled as throttled:
        response = _respond(request, {"step": "ask", "form": EmailForm(), "throttled": True}, status=429)
        response["Retry-After"] = str(throttled.retry_after)
        return response
    form = EmailForm(request.POST)
    if not form.is_valid():
        return _respond(request, {"step": "ask", "form": form}, status=400)
    outbox.request_link(form.cleaned_data["email"])
    return _respond(request, {"step": "sent"})


def _signatures_page(request, token, message="", status=200):
    try:
        email = read_token(token)
    except BadLink as bad:
        return _respond(request, {"step": "bad_link", "expired": bad.expired, "form": EmailForm()}, status=410)
    signatures = [s for s in signatures_of(email) if not s.is_anonymised]
    if not signatures:
        return _respond(request, {"step": "none", "message": message})
    petitions = petitions_for(signatures)
    rows = [{"signature": s, "petition": petitions.get(s.petition_key), "ref": signature_ref(s)} for s in signatures]
    # A token whose own signature was just erased would stop working: carry one of a signature that remains.
    return _respond(
        request,
        {"step": "list", "rows": rows, "token": make_token(signatures[0]), "message": message},
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
@in_signer_language
def my_signatures_link(request, token):
    """What the mailed link opens: every signature of the address, and the forms that act on them."""
    return _signatures_page(request, token)


@csrf_exempt
@require_POST
@in_signer_language
def my_signatures_manage(request):
    """One action, with the token from the form: ``download``, ``withdraw_updates``, ``withdraw_partner``, ``erase``."""
    token = request.POST.get("token", "")
    try:
        email = read_token(token)
    except BadLink:
        return _signatures_page(request, token)
    action = request.POST.get("action")
    signatures = [s for s in signatures_of(email) if not s.is_anonymised]
    if action == "download":
        petitions = petitions_for(signatures)
        body = {
            "exported_at": timezone.now().isoformat(),
            "signatures": [signature_data(s, petitions.get(s.petition_key)) for s in signatures],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="my-signatures.json"'
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "no-referrer"
        return response
    signature = next((s for s in signatures if signature_ref(s) == request.POST.get("signature")), None)
    if signature is None or action not in ("withdraw_updates", "withdraw_partner", "erase"):
        return _signatures_page(request, token, _("Choose one of your signatures and what to do."), status=400)
    if action == "erase":
        moderation.erase_signature(signature, reason=ERASE_REASON)
        message = _("Your signature is erased: your name, address and postal code are deleted.")
    else:
        moderation.withdraw_consents(
            signature, updates=action == "withdraw_updates", partner=action == "withdraw_partner"
        )
        message = _("Your consent is withdrawn.")
    if action == "erase":
        # The link's own signature may be the one erased: carry on with the signer's remaining ones.
        remaining = [s for s in signatures if s.pk != signature.pk or type(s) is not type(signature)]
        if not remaining:
            return _respond(request, {"step": "none", "message": message})
        token = make_token(remaining[0])
    return _signatures_page(request, token, message)
