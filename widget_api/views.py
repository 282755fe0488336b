"""The public API. Views stay thin: petitions are found by ``find_petition``, signed by ``sign_petition``."""

import hashlib
import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django_countries import countries
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, NotFound, Throttled, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail_petitions.badge import badge_svg
from wagtail_petitions.choices import PetitionStatus
from wagtail_petitions.conf import conf
from wagtail_petitions.defence import Client
from wagtail_petitions.defence.pow import create_challenge
from wagtail_petitions.lookup import find_petition, live_petitions
from wagtail_petitions.models import PetitionPage
from wagtail_petitions.public_figures import OTHER_PARTNERS, history, public_figures
from wagtail_petitions.signing import (
    InvalidSignature,
    PetitionNotOpen,
    SigningThrottled,
    SigningUnavailable,
    sign_petition,
)

from . import idempotency, serializers
from .exceptions import ServiceUnavailable
from .form_schema import form_json_schema
from .host_origin import signing_host
from .parameters import language_parameter, read_language
from .renderers import CSVRenderer, CSVTable


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
    """Every published petition — open, closed and delivered — once, with its translations inside its entry, so
    nobody adds up the same tally twice. ``?status=open,closed`` keeps those statuses; ``?lang=fr`` keeps petitions
    published in French and describes each in French."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                {
                    "type": "array",
                    "items": {"type": "string", "enum": sorted(choice.value for choice in PetitionStatus)},
                    "minItems": 1,
                },
                description="Comma-separated statuses to keep: open, closed, delivered (default: all).",
                style="form",
                explode=False,
            ),
            language_parameter("Keep petitions with a translation in this language, described in it."),
        ],
        responses=serializers.PetitionListEntrySerializer(many=True),
    )
    def get(self, request):
        statuses = self.get_statuses(request)
        language = read_language(request)
        petitions = [(page, pages) for page, pages in live_petitions(language) if page.get_public_status() in statuses]
        context = {"request": request, "translations": {page.translation_key: pages for page, pages in petitions}}
        pages = [page for page, _translations in petitions]
        return Response(serializers.PetitionListEntrySerializer(pages, many=True, context=context).data)

    def get_statuses(self, request) -> set[str]:
        """``?status=`` as the schema has it: one or more statuses, comma-separated (an empty one is unknown)."""
        allowed = [choice.value for choice in PetitionStatus]
        if (value := request.query_params.get("status")) is None:
            return set(allowed)
        wanted = set(value.split(","))
        if unknown := wanted - set(allowed):
            message = _("Unknown status: %(values)s. Use one or more of: %(allowed)s.") % {
                "values": ", ".join(f'"{v}"' for v in sorted(unknown))[:64],
                "allowed": ", ".join(allowed),
            }
            raise ValidationError({"status": [ErrorDetail(message, "invalid_choice")]})
        return wanted


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
        # The fields of the petitions' signing form (``PetitionPage.get_signature_form_class``), as it checks them.
        request={"application/json": form_json_schema(PetitionPage.get_signature_form_class())},
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                location=OpenApiParameter.HEADER,
                required=False,
                pattern=f"^{idempotency.KEY_PATTERN.pattern}$",
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
            via, origin = signing_host(self.request, data)
            result = sign_petition(petition, data, claim=claim, client=client, via=via, origin=origin)
        except InvalidSignature as error:
            return status.HTTP_400_BAD_REQUEST, {"errors": error.errors}
        except PetitionNotOpen as error:
            return status.HTTP_409_CONFLICT, {
                "errors": {"non_field_errors": [{"code": error.code, "message": str(error)}]}
            }
        except SigningThrottled as error:
            raise Throttled(wait=error.retry_after) from None
        except SigningUnavailable as error:
            raise ServiceUnavailable(wait=error.retry_after) from None
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


# --- open data: stats, history --------------------------------------------------------------------------------------


class OpenDataView(APIView):
    """Open data for newsrooms: any origin may read it (``Access-Control-Allow-Origin: *``, never credentials), as
    JSON or CSV (``?format=csv``), cacheable (``max-age``, ``stale-while-revalidate``), revalidated with ``ETag``.
    Built from counter rows only (``wagtail_petitions.public_figures``): the same cost at any number of
    signatures."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    def respond(self, request, data, table: CSVTable, last_modified=None):
        """``data`` (JSON) or ``table`` (CSV), with the conditional and cache headers."""
        as_csv = getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "csv"
        body = table if as_csv else data
        fingerprint = json.dumps([as_csv, data], sort_keys=True, default=str).encode()
        etag = f'"{hashlib.blake2b(fingerprint, digest_size=12).hexdigest()}"'
        response = get_conditional_response(request, etag=etag) or Response(body)
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(
            response,
            public=True,
            max_age=conf.FIGURES_MAX_AGE,
            stale_while_revalidate=conf.FIGURES_STALE_WHILE_REVALIDATE,
            stale_if_error=conf.COUNT_STALE_IF_ERROR,
        )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        open_to_any_origin(response, request)
        return response


def open_to_any_origin(response, request) -> None:
    """CORS for open data: every origin may read it, without credentials (the partner rule of ``widget_api.cors``
    does not apply to these views; their preflights are answered by django-cors-headers)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"


def figures_url(petition, request) -> str:
    return request.build_absolute_uri(petition.get_figures_url(request))


def country_name(code: str, language: str) -> str:
    with translation.override(language):
        return str(countries.name(code) or code)


class PetitionStatsView(OpenDataView):
    """A petition's figures: totals (online, paper, confirmed, pending, invalidated…), by country, by day, by listed
    partner, milestones, status, closing date and delivery record. ``?format=csv``: one row per figure, columns
    ``dimension`` (``total``, ``state``, ``country``, ``day``, ``partner``), ``key``, ``name``, ``online``, ``paper``,
    ``total``."""

    @extend_schema(
        parameters=[
            language_parameter("The translation whose texts to use."),
            OpenApiParameter("format", str, enum=["json", "csv"], required=False),
        ],
        responses={(200, "application/json"): serializers.PetitionStatsSerializer, (200, "text/csv"): str},
    )
    def get(self, request, slug):
        read_language(request)
        petition = get_petition_or_404(request, slug)
        figures = public_figures(petition)
        language = figures.language
        names = {row.key: country_name(row.key, language) for row in figures.countries}
        partner_names = {**figures.partner_names, OTHER_PARTNERS: _("Other partners")}
        data = {
            "slug": figures.slug,
            "language": language,
            "title": figures.title,
            "status": figures.status,
            "is_open": figures.is_open,
            "totals": {
                "total": figures.total,
                "online": figures.online,
                "paper": figures.paper,
                "confirmed": figures.confirmed,
                "pending": figures.pending,
                "invalidated": figures.invalidated,
                "quarantined": figures.quarantined,
                "expired": figures.expired,
            },
            "goal": figures.goal,
            "displayed_goal": figures.displayed_goal,
            "confirmation_required": figures.requires_confirmation,
            "by_country": [
                {
                    "country": row.key,
                    "name": names[row.key],
                    "online": row.online,
                    "paper": row.paper,
                    "total": row.total,
                    "share": figures.share(row.total),
                }
                for row in figures.countries
            ],
            "by_day": [
                {
                    "day": day.start.date().isoformat(),
                    "online": day.online,
                    "paper": day.paper,
                    "total": day.total,
                    "cumulative": day.cumulative,
                }
                for day in figures.days
            ],
            "by_partner": [
                {
                    "partner": row.key,
                    "name": str(partner_names.get(row.key, row.key)),
                    "online": row.online,
                    "paper": row.paper,
                    "total": row.total,
                }
                for row in figures.partners
            ],
            "milestones": [
                {"count": m.count, "reached_on": m.reached_on.isoformat() if m.reached_on else None}
                for m in figures.milestones
            ],
            "closes_at": figures.closes_at.isoformat() if figures.closes_at else None,
            "delivery": {
                "delivered_on": figures.delivered_on.isoformat() if figures.delivered_on else None,
                "to": figures.delivered_to,
                "text": figures.delivery_text,
            }
            if figures.status == PetitionStatus.DELIVERED
            else None,
            "updated_at": figures.updated_at.isoformat() if figures.updated_at else None,
            "figures_url": figures_url(petition, request),
        }
        rows = [("total", "all", "", figures.online, figures.paper, figures.total)]
        for state in ("confirmed", "pending", "invalidated", "quarantined", "expired"):
            n = data["totals"][state]
            rows.append(("state", state, "", n, 0, n))
        rows += [("country", r["country"], r["name"], r["online"], r["paper"], r["total"]) for r in data["by_country"]]
        rows += [("day", r["day"], "", r["online"], r["paper"], r["total"]) for r in data["by_day"]]
        rows += [("partner", r["partner"], r["name"], r["online"], r["paper"], r["total"]) for r in data["by_partner"]]
        table = CSVTable(STATS_CSV_COLUMNS, rows, f"{figures.slug}-stats.csv")
        return self.respond(request, data, table, figures.updated_at)


STATS_CSV_COLUMNS = ("dimension", "key", "name", "online", "paper", "total")
HISTORY_CSV_COLUMNS = ("start", "online", "paper", "total", "cumulative_online", "cumulative_paper", "cumulative")


class PetitionHistoryView(OpenDataView):
    """The count over time, per hour or UTC day (``?interval=hour|day``, default ``day``): what was added in each
    period and the running totals, periods with no change left out. ``?format=csv``: columns ``start``, ``online``,
    ``paper``, ``total``, ``cumulative_online``, ``cumulative_paper``, ``cumulative``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("interval", str, enum=["hour", "day"], required=False),
            OpenApiParameter("format", str, enum=["json", "csv"], required=False),
        ],
        responses={(200, "application/json"): serializers.PetitionHistorySerializer, (200, "text/csv"): str},
    )
    def get(self, request, slug):
        interval = request.query_params.get("interval", "day")
        if interval not in ("hour", "day"):
            raise ValidationError({"interval": ["Choose hour or day."]}, code="invalid_interval")
        petition = get_petition_or_404(request, slug)
        periods = history(petition, interval)
        points = [
            {
                "start": period.start.isoformat().replace("+00:00", "Z"),
                "online": period.online,
                "paper": period.paper,
                "total": period.total,
                "cumulative_online": period.cumulative_online,
                "cumulative_paper": period.cumulative_paper,
                "cumulative": period.cumulative,
            }
            for period in periods
        ]
        data = {"slug": petition.slug, "interval": interval, "points": points}
        table = CSVTable(
            HISTORY_CSV_COLUMNS,
            [tuple(point[name] for name in HISTORY_CSV_COLUMNS) for point in points],
            f"{petition.slug}-history-{interval}.csv",
        )
        return self.respond(request, data, table)


class PetitionBadgeView(OpenDataView):
    """A counter badge for articles: an SVG saying "12,345 signatures" in the requested language (``?lang=``), no
    script, cacheable, from any origin."""

    renderer_classes = [JSONRenderer]  # the badge is SVG; its errors are JSON (never CSV)

    @extend_schema(
        parameters=[language_parameter("The language of the text.")],
        responses={(200, "image/svg+xml"): str},
    )
    def get(self, request, slug):
        read_language(request)
        petition = get_petition_or_404(request, slug)
        svg = badge_svg(petition.get_tally().total, translation.get_language() or petition.language_code)
        etag = f'"{hashlib.blake2b(svg.encode(), digest_size=12).hexdigest()}"'
        response = get_conditional_response(request, etag=etag) or HttpResponse(
            svg, content_type="image/svg+xml; charset=utf-8"
        )
        response["ETag"] = etag
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        patch_cache_control(
            response,
            public=True,
            max_age=conf.FIGURES_MAX_AGE,
            stale_while_revalidate=conf.FIGURES_STALE_WHILE_REVALIDATE,
        )
        return response


@extend_schema(exclude=True)
class UnknownPathView(APIView):
    """Any path under the API's prefix that no route matches, with any method: the 404 error envelope, never the
    site's HTML page (nor the CSRF refusal a page would give to a POST)."""

    def get(self, request, *args, **kwargs):
        raise NotFound("There is nothing at this address.", code="not_found")

    head = post = put = patch = delete = get
