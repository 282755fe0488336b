"""Webhooks: partners' endpoints (register, edit, see the signing secret) and the delivery log (inspect, replay a
failed delivery)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from ..webhooks.tasks import CannotReplay, replay


class WebhookEndpointForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    signing_secret = forms.CharField(
        label=_("Signing secret"),
        disabled=True,
        required=False,
        help_text=_(
            "Give it to the partner: it verifies each request with it (Standard Webhooks). Shown once the endpoint "
            "is saved."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["signing_secret"].initial = self.instance.secret

    def save(self, commit=True):
        instance = super().save(commit=False)
        if instance.is_active and instance.disabled_at is not None:
            instance.reactivate()
        if commit:
            instance.save()
        return instance


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Endpoints")
    edit_handler = ObjectList(
        [
            FieldPanel("partner"),
            FieldPanel("url"),
            FieldPanel("description"),
            FieldPanel("events"),
            FieldPanel("is_active"),
            FieldPanel("signing_secret"),
        ],
        base_form_class=WebhookEndpointForm,
    )
    copy_view_enabled = False
    list_display = [
        "url",
        "partner",
        Column("events", label=_("Events"), accessor="events_display"),
        "is_active",
        Column("consecutive_failures", label=_("Failures in a row")),
        DateColumn("disabled_at", label=_("Disabled")),
    ]
    list_filter = ["is_active", "partner"]
    search_fields = ["url", "description"]
    search_backend_name = None


class WebhookDeliveryInspectView(InspectView):
    template_name = "wagtail_petitions/admin/webhook_delivery_inspect.html"

    @cached_property
    def can_replay(self):
        return self.request.user.has_perm("wagtail_petitions.change_webhookdelivery")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_replay"] = self.can_replay and self.object.can_replay
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_replay:
            raise PermissionDenied
        self.object = self.get_object()
        try:
            replay(self.object)
            messages.success(request, _("The delivery will be sent again shortly, with the same webhook-id."))
        except CannotReplay as error:
            messages.error(request, str(error))
        return redirect(request.path)


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "list-ul"
    menu_label = _("Delivery log")
    inspect_view_class = WebhookDeliveryInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "-created_at"
    list_display = [
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
        Column("event_type", label=_("Event")),
        "endpoint",
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("attempts", label=_("Attempts")),
        Column("response_code", label=_("Response")),
        DateColumn("next_attempt_at", label=_("Next attempt")),
    ]
    list_filter = ["status", "event_type", "endpoint"]
    inspect_view_fields = [
        "event_id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "payload",
    ]
    form_fields = ["status"]  # never edited: the log is written by the worker

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


class WebhooksViewSetGroup(ViewSetGroup):
    menu_label = _("Webhooks")
    menu_icon = "link-external"
    menu_order = 265

    def __init__(self):
        self.items = [WebhookEndpointViewSet("webhook_endpoints"), WebhookDeliveryViewSet("webhook_deliveries")]
        super().__init__()
