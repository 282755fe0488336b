"""Partners manage their webhook endpoints through the API (scope ``webhooks:manage``): list, register, change,
delete, read the delivery log and replay a failed delivery. A token sees only its own partner's endpoints: any
other id is 404. Registration runs the same checks as the admin (``WebhookEndpoint.clean``: https, public
addresses only, known events)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail_petitions.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_petitions.webhooks.addresses import allowed_schemes
from wagtail_petitions.webhooks.tasks import CannotReplay, replay

from ..fields import STRICT_FIELD_MAPPING
from .authentication import PartnerTokenAuthentication
from .permissions import HasPartnerScope

WEBHOOKS_MANAGE = "webhooks:manage"
DELIVERY_LOG_LENGTH = 100


class WebhookEndpointSerializer(serializers.ModelSerializer):
    # ``min_length`` puts ``minItems`` in the schema (``allow_empty`` alone does not).
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        min_length=1,
        max_length=len(WebhookEvent),
    )

    serializer_field_mapping = STRICT_FIELD_MAPPING

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "is_active",
            "secret",
            "consecutive_failures",
            "disabled_at",
            "created_at",
        ]
        read_only_fields = ["secret", "consecutive_failures", "disabled_at", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        # The scheme rule of ``WebhookEndpoint.clean`` as a pattern, so that the schema states it: the address's
        # host (public, resolvable) can only be checked by resolving it.
        schemes = "|".join(allowed_schemes())
        # DRF's own rule for every text field (no NUL character), as a pattern for the schema; ``+``: a blank value
        # is the other branch drf-spectacular gives a field that may be blank, and must not match this one too.
        fields["description"].validators.append(
            RegexValidator(r"^[^\x00]+$", _("Null characters are not allowed."), code="null_characters_not_allowed")
        )
        fields["url"].validators.append(
            RegexValidator(rf"^(?:{schemes})://", _("Webhook addresses must start with https://."), code="scheme")
        )
        return fields

    def validate(self, attrs):
        endpoint = self.instance or WebhookEndpoint(partner=self.context["partner"])
        for name, value in attrs.items():
            setattr(endpoint, name, value)
        try:
            endpoint.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from None
        return attrs

    def update(self, instance, validated_data):
        if validated_data.get("is_active") and instance.disabled_at is not None:
            instance.reactivate()
        return super().update(instance, validated_data)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "cannot_replay"


class WebhookAPIView(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasPartnerScope]
    required_scope = WEBHOOKS_MANAGE

    def endpoints(self):
        return WebhookEndpoint.objects.filter(partner=self.request.auth.partner).order_by("pk")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"  # the signing secret
        return response


class WebhookEndpointListView(WebhookAPIView):
    @extend_schema(
        responses=inline_serializer("WebhookEndpointList", {"results": WebhookEndpointSerializer(many=True)}),
        operation_id="v1_partner_webhooks_list",
        tags=["partner"],
    )
    def get(self, request):
        return Response({"results": WebhookEndpointSerializer(self.endpoints(), many=True).data})

    @extend_schema(request=WebhookEndpointSerializer, responses={201: WebhookEndpointSerializer}, tags=["partner"])
    def post(self, request):
        serializer = WebhookEndpointSerializer(data=request.data, context={"partner": request.auth.partner})
        serializer.is_valid(raise_exception=True)
        serializer.save(partner=request.auth.partner)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(WebhookAPIView):
    def get_object(self, pk):
        return get_object_or_404(self.endpoints(), pk=pk)

    @extend_schema(responses=WebhookEndpointSerializer, tags=["partner"])
    def get(self, request, pk):
        return Response(WebhookEndpointSerializer(self.get_object(pk)).data)

    @extend_schema(request=WebhookEndpointSerializer, responses=WebhookEndpointSerializer, tags=["partner"])
    def patch(self, request, pk):
        serializer = WebhookEndpointSerializer(
            self.get_object(pk), data=request.data, partial=True, context={"partner": request.auth.partner}
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)

    @extend_schema(responses={204: None}, tags=["partner"])
    def delete(self, request, pk):
        self.get_object(pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(WebhookAPIView):
    """The endpoint's latest deliveries (no payloads: the partner received them)."""

    @extend_schema(
        responses=inline_serializer("WebhookDeliveryList", {"results": WebhookDeliverySerializer(many=True)}),
        operation_id="v1_partner_webhooks_deliveries_list",
        tags=["partner"],
    )
    def get(self, request, pk):
        endpoint = get_object_or_404(self.endpoints(), pk=pk)
        deliveries = endpoint.deliveries.order_by("-created_at", "-pk")[:DELIVERY_LOG_LENGTH]
        return Response({"results": WebhookDeliverySerializer(deliveries, many=True).data})


class WebhookDeliveryReplayView(WebhookAPIView):
    @extend_schema(request=None, responses={202: WebhookDeliverySerializer}, tags=["partner"])
    def post(self, request, pk, delivery_pk):
        endpoint = get_object_or_404(self.endpoints(), pk=pk)
        delivery = get_object_or_404(endpoint.deliveries.select_related("endpoint"), pk=delivery_pk)
        try:
            with transaction.atomic():
                replay(delivery)
        except CannotReplay as error:
            raise Conflict(str(error)) from None
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
