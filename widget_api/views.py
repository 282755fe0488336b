"""The public API. Views stay thin: petitions are found by ``find_petition``, signed by ``sign_petition``."""

import hashlib
import json

from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail_petitions.choices import PetitionStatus
from wagtail_petitions.conf import conf
from wagtail_petitions.defence import Client
from wagtail_petitions.defence.pow import create_challenge
from wagtail_petitions.lookup import find_petition
from wagtail_petitions.models import petition_pages
from wagtail_petitions.signing import InvalidSignature, PetitionNotOpen, SigningThrottled, sign_petition

from . import idempotency, serializers
from .i18n import LANGUAGE_TAG


def get_petition_or_404(request, slug):
    petition = find_petition(slug, request.query_params.get("lang"))
    if petition is None:
        raise NotFound("No open or past petition has this slug.", code="petition_not_found")
    return petition


class ApiRootView(APIView):
    """What the API offers, with links: the entry point a client starts from."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(
            {
                "petitions": request.build_absolute_uri(reverse("widget_api:petition-list")),
                "schema": request.build_absolute_uri(reverse("widget_api:schema")),
            }
        )


class PetitionListView(APIView):
    """Petitions open for signatures, one entry per published language (``?lang=`` keeps one language)."""

    @extend_schema(responses=serializers.PetitionSummarySerializer(many=True))
    def get(self, request):
        pages = petition_pages().live()
        if lang := request.query_params.get("lang"):
            if not LANGUAGE_TAG.fullmatch(lang) or len(lang) > 16:
                raise ValidationError({"lang": ["Give a language code such as fr."]}, code="invalid")
            pages = pages.filter(locale__language_code=lang)
        petitions = pages.order_by("-first_published_at").specific()
        data = serializers.PetitionSummarySerializer(
            [p for p in petitions if p.status == PetitionStatus.OPEN and p.is_open()],
            many=True,
            context={"request": request},
        ).data
        return Response(data)


class PetitionDetailView(APIView):
    @extend_schema(responses=serializers.PetitionDetailSerializer)
    def get(self, request, slug):
        petition = get_petition_or_404(request, slug)
        return Response(serializers.PetitionDetailSerializer(petition, context={"request": request}).data)


class PetitionCountView(APIView):
    """The live count: small, cacheable by browsers and CDNs, and revalidated with ``ETag``."""

    @extend_schema(responses=serializers.PetitionCountSerializer)
    def get(self, request, slug):
        petition = get_petition_or_404(request, slug)
        tally = petition.get_tally()
        data = serializers.PetitionCountSerializer(
            {
                "slug": petition.slug,
                "signature_count": tally.total,
                "goal": petition.get_displayed_goal(tally.total),
                "updated_at": tally.updated_at,
            }
        ).data
        etag = f'"{hashlib.blake2b(json.dumps(data, sort_keys=True).encode(), digest_size=12).hexdigest()}"'
        last_modified = tally.updated_at.timestamp() if tally.updated_at else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified) or Response(data)
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(
            response,
            public=True,
            max_age=conf.COUNT_MAX_AGE,
            stale_while_revalidate=conf.COUNT_STALE_WHILE_REVALIDATE,
            stale_if_error=conf.COUNT_STALE_IF_ERROR,
        )
        return response


class SignatureCreateView(APIView):
    """Sign a petition: 201 when the signature counts, 202 when it counts once confirmed by email ("check your
    inbox"). A repeat signer gets the same answer as a new one and is counted once. Every request meets the defences
    of ``wagtail_petitions.defence`` (429 with ``Retry-After`` above the per-connection ceiling).

    With an ``Idempotency-Key`` header, a retry gets the first answer (see ``widget_api.idempotency``).
    """

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                location=OpenApiParameter.HEADER,
                required=False,
                description="A random UUID per submission, reused when retrying it.",
            )
        ],
        responses={201: serializers.SignatureAcceptedSerializer, 202: serializers.SignatureAcceptedSerializer},
    )
    def post(self, request, slug):
        key = idempotency.key_from_request(request)
        petition = get_petition_or_404(request, slug)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send a JSON object."]}, code="invalid")
        client = Client.from_request(request)
        if key is None:
            status_code, body = self.sign(petition, request.data, client)
            return Response(body, status=status_code)
        request_fingerprint = idempotency.fingerprint(slug, request.query_params.get("lang"), request.data)
        status_code, body, replayed = idempotency.run_once(
            key,
            request_fingerprint,
            lambda claim: self.sign(petition, request.data, client, claim),
            lambda status_code, signature_count: self.accepted(petition, status_code, signature_count),
        )
        response = Response(body, status=status_code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def sign(self, petition, data, client, claim=None) -> tuple[int, dict]:
        try:
            result = sign_petition(petition, data, claim=claim, client=client)
        except InvalidSignature as error:
            return status.HTTP_400_BAD_REQUEST, {"errors": error.errors}
        except PetitionNotOpen as error:
            return status.HTTP_409_CONFLICT, {
                "errors": {"non_field_errors": [{"code": error.code, "message": str(error)}]}
            }
        except SigningThrottled as error:
            raise Throttled(wait=error.retry_after) from None
        # The count returned by signing includes this signature; no aggregate is read again for the answer.
        count = result.signature_count if result.signature_count is not None else petition.get_tally().total
        status_code = status.HTTP_202_ACCEPTED if result.awaiting_confirmation else status.HTTP_201_CREATED
        return status_code, self.accepted(petition, status_code, count)

    def accepted(self, petition, status_code: int, signature_count: int) -> dict:
        """The body of a 201 or 202 (``SignatureAcceptedSerializer``), built directly: it is on the hot path."""
        body = {
            "status": "signed",
            "signature_count": signature_count,
            "goal": petition.get_displayed_goal(signature_count),
            "thank_you_text": petition.thank_you_text,
        }
        if status_code == status.HTTP_202_ACCEPTED:
            body["status"] = "confirmation_required"
            body["message"] = _(
                "Check your inbox: we sent you an email. Your signature counts once you confirm it with the link "
                "in that email."
            )
        return body


class ChallengeView(APIView):
    """A fresh proof-of-work challenge (ALTCHA) for a petition that asks for one; never cached (each is solved
    once)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, slug):
        petition = get_petition_or_404(request, slug)
        response = Response(create_challenge(petition))
        patch_cache_control(response, no_store=True)
        return response
