"""Public views of the plugin that are not Wagtail page routes."""

from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .defence import Client
from .models import petition_pages
from .signing import InvalidSignature, PetitionNotOpen, SigningThrottled, SigningUnavailable, attribution, sign_petition


# A signature carries no session or authority that a forged request could borrow, and CSRF protection would
# need a cookie, which signers must not get.
@csrf_exempt
@require_POST
def sign_from_page(request, page_id):
    """The no-JavaScript signing form of a petition page: sign (with the same defences as the API), then redirect to
    the page's thank-you state (``?signed=1``) or its "check your inbox" state (``?signed=check``)."""
    page = petition_pages().live().filter(pk=page_id).first()
    if page is None:
        raise Http404("No live petition page has this id.")
    petition = page.specific
    # The form was shown in the page's language: its consent labels are hashed into the consent version in it.
    with translation.override(petition.language_code):
        try:
            # The petition page itself, with ``?partner=``, is the partner's tracked link.
            result = sign_petition(
                petition, request.POST, client=Client.from_request(request), via=attribution.TRACKED_LINK
            )
        except InvalidSignature as error:
            return _render_petition(request, petition, {"form": error.form}, status=400)
        except PetitionNotOpen:
            return _render_petition(request, petition, {}, status=409)
        except SigningThrottled as error:
            response = _render_petition(request, petition, {"throttled": True}, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        except SigningUnavailable as error:
            response = _render_petition(request, petition, {"unavailable": True}, status=503)
            response["Retry-After"] = str(error.retry_after)
            return response
    signed = "check" if result.awaiting_confirmation else "1"
    return HttpResponseRedirect(f"{petition.url}?signed={signed}#thanks", status=303)


def _render_petition(request, petition, extra_context, status):
    context = petition.get_context(request)
    context.update(extra_context)
    return TemplateResponse(request, petition.get_template(request), context, status=status)
