"""The unsubscribe link of update mails. GET (a person opening the link, or a mail scanner) shows a button and
changes nothing; POST unsubscribes at once: the page's button, or a mail program's one-click unsubscribe (RFC 8058:
``List-Unsubscribe=One-Click`` in the body, no cookie, no CSRF token; the signed token in the URL is the authority).
"""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..consents import VIA, withdraw_updates_consent
from ..lookup import signed_link_target
from ..models import PetitionUpdate
from .tokens import read_unsubscribe_token

TEMPLATE = "wagtail_petitions/unsubscribe.html"


def _find(token):
    link = read_unsubscribe_token(token)
    if link is None:
        raise Http404("This unsubscribe link is not valid.")
    petition, signature = signed_link_target(link.page_id, link.signature_pk)
    update = PetitionUpdate.objects.filter(pk=link.update_pk).first() if link.update_pk else None
    return petition, signature, update


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    petition, signature, update = _find(token)
    done = False
    if request.method == "POST":
        if signature is not None:
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            withdraw_updates_consent(signature, via=VIA.ONE_CLICK if one_click else VIA.PAGE, update=update)
        # A signature deleted since (expired, erased) gets no mail either: the answer is the same.
        done = True
    with translation.override(petition.language_code):
        response = TemplateResponse(
            request,
            TEMPLATE,
            {
                "page": petition,
                "token": token,
                "done": done or (signature is not None and not signature.consent_updates),
            },
        )
        response.render()
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
