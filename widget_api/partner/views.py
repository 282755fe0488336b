"""The partner API's views: thin. What a partner may see comes from ``wagtail_petitions.partner_data``; every
read of signers' personal data is recorded there (``record_access``), with the number of rows actually sent."""

from __future__ import annotations

import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.coreutils import multigetattr

from wagtail_petitions.converters import PetitionSlugConverter
from wagtail_petitions.lookup import find_petition
from wagtail_petitions.models.partner_tokens import SIGNERS_READ, STATS_READ
from wagtail_petitions.partner_data import (
    is_partner_petition,
    partner_figures,
    partner_petitions,
    partner_signatures,
    record_access,
)

from . import osdi, pagination, serializers
from .authentication import PartnerTokenAuthentication
from .exports import SignerCSVExport
from .permissions import HasPartnerScope

JSON_PAGE_SIZE = 100
JSON_MAX_PAGE_SIZE = 1000
CSV_PAGE_SIZE = 100_000
CSV_MAX_PAGE_SIZE = 1_000_000


class CSVRenderer(BaseRenderer):
    """Selects CSV (``?format=csv`` or ``Accept: text/csv``); the view streams the file itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only errors reach a renderer (rows are streamed by the view): send them as JSON text.
        return JSONRenderer().render(data)


class PartnerAPIView(APIView):
    """Authenticated by a partner token with ``required_scope``; no session, no cookie."""

    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasPartnerScope]
    required_scope: str = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Personal data and per-partner figures: never kept by a shared cache.
        response["Cache-Control"] = "private, no-store"
        return response


def parse_since(value: str | None):
    if value is None:
        return None
    try:
        # Well formed but impossible values (month 13) raise ValueError.
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(
            {"since": [_("Give an ISO 8601 date or timestamp, e.g. 2026-05-01T00:00:00Z.")]}, code="invalid"
        )
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, datetime.UTC)
    try:
        # In UTC: PostgreSQL refuses offsets past 15:59, which ISO 8601 allows (up to 23:59).
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        # Off the calendar once in UTC (year 1 or 9999 with an offset): before, or after, every signature.
        limit = datetime.datetime.min if moment.year == 1 else datetime.datetime.max
        return limit.replace(tzinfo=datetime.UTC)


def petition_of_partner(request):
    """The petition named by ``?petition=<slug>`` if the token's partner is part of it, else 404 (the same answer
    as for a petition that does not exist)."""
    slug = request.query_params.get("petition")
    if not slug:
        raise ValidationError({"petition": [_("Name the petition: ?petition=<slug>.")]}, code="required")
    petition = find_petition(slug)
    if petition is None or not is_partner_petition(petition, request.auth.partner):
        raise NotFound(_("None of your petitions has this slug."), code="petition_not_found")
    return petition


class PartnerPetitionListView(PartnerAPIView):
    """The petitions the partner is part of (signatures through its widget or link, or its paper batches), each with
    the partner's own count beside the total, by country and by day. Counts only. Scope ``stats:read``."""

    required_scope = STATS_READ

    @extend_schema(
        responses=serializers.PartnerPetitionListSerializer, tags=["partner"], operation_id="partner_petitions_list"
    )
    def get(self, request):
        partner = request.auth.partner
        petitions = [self.petition_data(request, petition, partner) for petition in partner_petitions(partner)]
        return Response({"partner": {"slug": partner.slug, "name": partner.name}, "petitions": petitions})

    @staticmethod
    def petition_data(request, petition, partner) -> dict:
        figures = partner_figures(petition, partner)
        return {
            "slug": petition.slug,
            "title": petition.title,
            "language": petition.language_code,
            "status": petition.status,
            "url": petition.get_full_url(request),
            "signature_count": figures.total,
            "signature_count_online": figures.online,
            "signature_count_paper": figures.paper,
            "partner": {
                "signature_count": figures.partner_total,
                "online": figures.partner_online,
                "paper": figures.partner_paper,
            },
            "by_country": [
                {
                    "country": code,
                    "partner_online": online,
                    "partner_paper": paper,
                    "partner_total": online + paper,
                    "total": total,
                }
                for code, online, paper, total in figures.by_country
            ],
            "by_day": [
                {
                    "date": day.isoformat(),
                    "partner_online": p_online,
                    "partner_paper": p_paper,
                    "total_online": t_online,
                    "total_paper": t_paper,
                }
                for day, p_online, p_paper, t_online, t_paper in figures.by_day
            ],
        }


#: What ``?since=`` takes: an RFC 3339 timestamp or a date (midnight UTC).
SINCE_SCHEMA = {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}


def limit_parameter(maximum: int, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "limit", {"type": "integer", "minimum": 1, "maximum": maximum}, required=False, description=description
    )


SIGNER_PARAMETERS = [
    OpenApiParameter(
        "petition",
        str,
        required=True,
        # The slug's own pattern (``wagtail_petitions.converters``); an unknown slug is 404, an empty one 400.
        pattern=f"^{PetitionSlugConverter.regex}$",
        allow_blank=False,
        description="The petition's slug (any translation's).",
    ),
    OpenApiParameter(
        "since",
        SINCE_SCHEMA,
        description="Only signatures that counted from then on (signed, or confirmed by email, at or after it).",
    ),
    OpenApiParameter("cursor", str, description="The cursor of the `next` link (JSON) or `Link` header (CSV)."),
    limit_parameter(
        CSV_MAX_PAGE_SIZE,
        f"Rows per page: CSV {CSV_PAGE_SIZE:,} by default, at most {CSV_MAX_PAGE_SIZE:,}; JSON {JSON_PAGE_SIZE} by "
        f"default, and a JSON page holds at most {JSON_MAX_PAGE_SIZE} rows whatever the limit.",
    ),
    OpenApiParameter(
        "format", str, enum=["json", "csv"], description="`csv` streams a CSV file (or Accept: text/csv)."
    ),
]
#: OSDI pages are JSON only: their limit is the JSON one, and above it is refused.
OSDI_SIGNER_PARAMETERS = [
    *(p for p in SIGNER_PARAMETERS if p.name in ("since", "cursor")),
    limit_parameter(JSON_MAX_PAGE_SIZE, f"Rows per page: {JSON_PAGE_SIZE} by default, at most {JSON_MAX_PAGE_SIZE}."),
]


class PartnerSignatureListView(PartnerAPIView):
    """The signers of a petition who signed through this partner, ticked its consent box and count (confirmed by
    email where that is asked), oldest first, with a stable cursor. JSON pages or a streamed CSV (formula cells
    neutralised); each row carries the consent text version the signer agreed to. Every call is recorded with the
    number of rows sent. Scope ``signers:read``."""

    required_scope = SIGNERS_READ
    renderer_classes = [JSONRenderer, CSVRenderer]
    resource = "signatures"

    @extend_schema(
        parameters=SIGNER_PARAMETERS,
        responses={
            (200, "application/json"): serializers.SignerPageSerializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description='Header row of the JSON keys, then one row per signer; a `Link: <…>; rel="next"` '
                "header when more rows follow.",
            ),
        },
        tags=["partner"],
        operation_id="partner_signatures_list",
    )
    def get(self, request):
        petition = petition_of_partner(request)
        signatures = partner_signatures(
            petition, request.auth.partner, since=parse_since(request.query_params.get("since"))
        )
        last_pk = pagination.read_cursor(petition, request.query_params.get("cursor"))
        if request.accepted_renderer.format == "csv":
            limit = pagination.read_limit(
                request.query_params.get("limit"), default=CSV_PAGE_SIZE, maximum=CSV_MAX_PAGE_SIZE
            )
            return self.stream_csv(request, petition, signatures, last_pk, limit)
        # One limit for both formats (the schema cannot tie its maximum to ``format``): JSON pages stop at theirs.
        limit = pagination.read_limit(
            request.query_params.get("limit"), default=JSON_PAGE_SIZE, maximum=CSV_MAX_PAGE_SIZE
        )
        rows, next_pk = pagination.page(signatures, last_pk, min(limit, JSON_MAX_PAGE_SIZE))
        record_access(
            request.auth,
            resource=self.resource,
            petition=petition,
            format="json",
            rows=len(rows),
            parameters=self.parameters(request),
        )
        return Response(
            {
                "petition": petition.slug,
                "next": self.next_url(request, petition, next_pk),
                "results": [self.row(signature) for signature in rows],
            }
        )

    @staticmethod
    def row(signature) -> dict:
        row = {key: multigetattr(signature, path) for key, path in serializers.SIGNER_COLUMNS}
        row["id"] = str(row["id"])
        for key in ("signed_at", "confirmed_at"):
            row[key] = row[key].isoformat() if row[key] else None
        return row

    @staticmethod
    def parameters(request) -> str:
        """What was asked, for the access record: never personal data (the API takes none as a parameter)."""
        return urlencode(
            [(k, v) for k, v in request.query_params.items() if k in ("petition", "since", "limit", "format")]
        )

    @staticmethod
    def next_url(request, petition, next_pk) -> str | None:
        if next_pk is None:
            return None
        query = request.query_params.copy()
        query["cursor"] = pagination.make_cursor(petition, next_pk)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    def stream_csv(self, request, petition, signatures, last_pk, limit):
        next_url = self.next_url(request, petition, pagination.page_end(signatures, last_pk, limit))
        rows = pagination.after(signatures, last_pk)[:limit]
        token, parameters = request.auth, self.parameters(request)

        def stream():
            sent = 0
            try:
                for index, line in enumerate(SignerCSVExport().stream_csv(rows)):
                    sent = index  # the first line is the heading
                    yield line
            finally:
                record_access(
                    token, resource=self.resource, petition=petition, format="csv", rows=sent, parameters=parameters
                )

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{petition.slug}-signers.csv"'
        if next_url:
            response["Link"] = f'<{next_url}>; rel="next"'
        return response


# --- OSDI (``osdi``) -----------------------------------------------------------------------------------------------


class OSDIView(PartnerAPIView):
    renderer_classes = [osdi.HALJSONRenderer, JSONRenderer]


class OSDIEntryPointView(OSDIView):
    """The OSDI API entry point: links to the partner's petitions. Scope ``stats:read``."""

    required_scope = STATS_READ

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["partner", "osdi"], operation_id="partner_osdi_entry_point")
    def get(self, request):
        return Response(
            {
                "motd": "Petitions of this platform, as OSDI resources.",
                "vendor_name": osdi.SYSTEM,
                "_links": {
                    "self": osdi.link(request, "partner-osdi-aep"),
                    "osdi:petitions": osdi.link(request, "partner-osdi-petitions"),
                },
            }
        )


class OSDIPetitionListView(OSDIView):
    """``osdi:petitions``: the partner's petitions (``total_signatures`` and the partner's own counts). Scope
    ``stats:read``."""

    required_scope = STATS_READ

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["partner", "osdi"], operation_id="partner_osdi_petitions_list")
    def get(self, request):
        partner = request.auth.partner
        resources = [
            osdi.petition_resource(request, petition, partner_figures(petition, partner), partner)
            for petition in partner_petitions(partner)
        ]
        body = osdi.collection("petitions", resources, osdi.link(request, "partner-osdi-petitions"))
        body.update(total_records=len(resources), total_pages=1, page=1)
        return Response(body)


def partner_petition_by_slug(request, slug):
    petition = find_petition(slug)
    if petition is None or not is_partner_petition(petition, request.auth.partner):
        raise NotFound(_("None of your petitions has this slug."), code="petition_not_found")
    return petition


class OSDIPetitionView(OSDIView):
    """One ``osdi:petition``. Scope ``stats:read``."""

    required_scope = STATS_READ

    @extend_schema(
        responses=OpenApiTypes.OBJECT, tags=["partner", "osdi"], operation_id="partner_osdi_petition_retrieve"
    )
    def get(self, request, slug):
        petition = partner_petition_by_slug(request, slug)
        partner = request.auth.partner
        return Response(osdi.petition_resource(request, petition, partner_figures(petition, partner), partner))


class OSDISignatureListView(OSDIView):
    """``osdi:signatures`` of a petition: the same signers as ``/api/v1/partner/signatures/`` (this partner's,
    consenting, counted), each with its ``osdi:person`` embedded; paged by a stable cursor (``_links.next``),
    ``?since=`` and ``?limit=`` as there. Recorded like every read of signers. Scope ``signers:read``."""

    required_scope = SIGNERS_READ
    resource = "osdi:signatures"

    @extend_schema(
        parameters=OSDI_SIGNER_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        tags=["partner", "osdi"],
        operation_id="partner_osdi_signatures_list",
    )
    def get(self, request, slug):
        petition = partner_petition_by_slug(request, slug)
        partner = request.auth.partner
        signatures = partner_signatures(petition, partner, since=parse_since(request.query_params.get("since")))
        last_pk = pagination.read_cursor(petition, request.query_params.get("cursor"))
        limit = pagination.read_limit(
            request.query_params.get("limit"), default=JSON_PAGE_SIZE, maximum=JSON_MAX_PAGE_SIZE
        )
        rows, next_pk = pagination.page(signatures, last_pk, limit)
        record_access(
            request.auth,
            resource=self.resource,
            petition=petition,
            format="osdi",
            rows=len(rows),
            parameters=PartnerSignatureListView.parameters(request),
        )
        next_url = PartnerSignatureListView.next_url(request, petition, next_pk)
        resources = [osdi.signature_resource(request, petition, signature, partner) for signature in rows]
        body = osdi.collection(
            "signatures",
            resources,
            {"href": request.build_absolute_uri()},
            {"href": next_url} if next_url else None,
        )
        body["_links"]["osdi:petition"] = osdi.link(request, "partner-osdi-petition", petition.slug)
        return Response(body)
