"""Partner API tokens (issued once, shown once, revocable) and the log of partners' reads of personal data.

A token is created with its partner, name, scopes and optional expiry; the page after saving shows the token once
(only its digest is stored). Its edit page shows its scopes, status and last use, renames it or moves its expiry,
and revokes it. Only users who may see signers' personal data may issue a token that reads signers.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from ..models import PartnerAccessRecord, PartnerScope, PartnerToken
from .exports import NeutralisedSpreadsheetExportMixin
from .permissions import can_view_signatures


class PartnerTokenCreateForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=PartnerScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerToken
        fields = ["partner", "name", "scopes", "expires_at"]

    def clean_scopes(self):
        scopes = self.cleaned_data["scopes"]
        if PartnerScope.SIGNERS_READ in scopes and not can_view_signatures(self.for_user):
            raise forms.ValidationError(
                _("Only users who may see signers' personal data may issue a token that reads signers.")
            )
        return scopes


class PartnerTokenEditForm(WagtailAdminModelForm):
    class Meta:
        model = PartnerToken
        fields = ["name", "expires_at"]


class PartnerTokenCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        token, self.raw_token = PartnerToken.objects.issue(
            data["partner"],
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data.get("expires_at"),
            created_by=self.request.user,
        )
        log(instance=token, action="wagtail.create", user=self.request.user, content_changed=True)
        return token

    def save_action(self):
        # The token is shown on this page and never again: not a redirect, and no cache keeps it.
        response = TemplateResponse(
            self.request,
            "wagtail_petitions/admin/partner_token_created.html",
            {
                "token": self.object,
                "raw_token": self.raw_token,
                "index_url": self.get_success_url(),
                "header_title": _("Token created"),
                "page_title": _("Token created"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class PartnerTokenEditView(EditView):
    template_name = "wagtail_petitions/admin/partner_token_edit.html"
    revoke_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["revoke_url"] = reverse(self.revoke_url_name, args=[self.object.pk])
        return context


class PartnerTokenRevokeView(View):
    viewset = None

    def post(self, request, pk):
        if not self.viewset.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        token = get_object_or_404(PartnerToken, pk=pk)
        if token.revoke(request.user):
            log(instance=token, action="wagtail_petitions.revoke_token", user=request.user)
            messages.success(request, _("The token is revoked: it no longer works."))
        return redirect(self.viewset.get_url_name("edit"), pk)


class PartnerTokenViewSet(ModelViewSet):
    model = PartnerToken
    icon = "key"
    menu_label = _("API tokens")
    add_view_class = PartnerTokenCreateView
    edit_view_class = PartnerTokenEditView
    copy_view_enabled = False
    ordering = ["-created_at", "-pk"]
    list_filter = ["partner"]
    list_display = [
        "name",
        "partner",
        Column("key_prefix", label=_("Starts with")),
        Column("scopes", label=_("Scopes"), accessor="get_scopes_display"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("expires_at", label=_("Expires")),
        DateColumn("last_used_at", label=_("Last used")),
        DateColumn("created_at", label=_("Created")),
    ]
    search_fields = ["name", "key_prefix"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return PartnerTokenEditForm if for_update else PartnerTokenCreateForm

    def get_urlpatterns(self):
        # Tokens are revoked, never deleted: their access records keep naming them.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"] + [
            path("revoke/<int:pk>/", PartnerTokenRevokeView.as_view(viewset=self), name="revoke")
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"delete_url_name": None, **kwargs})

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)


class PartnerAccessIndexView(NeutralisedSpreadsheetExportMixin, IndexView):
    def get_filename(self):
        return f"partner-data-access-{datetime.date.today().isoformat()}"


class PartnerAccessRecordViewSet(ModelViewSet):
    """Every read of signers' personal data by a partner: which token, when, what, how many rows. Read only."""

    model = PartnerAccessRecord
    icon = "list-ul"
    menu_label = _("Partner data access")
    index_view_class = PartnerAccessIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    list_filter = ["partner", "created_at"]
    list_display = [
        DateColumn("created_at", label=_("At"), sort_key="created_at"),
        Column("partner", label=_("Partner")),
        Column("token_name", label=_("Token")),
        Column("petition_title", label=_("Petition")),
        Column("resource", label=_("Resource")),
        Column("format", label=_("Format")),
        Column("rows", label=_("Rows")),
        Column("parameters", label=_("Parameters")),
    ]
    list_export = ["created_at", "partner.slug", "token_name", "petition_title", "resource", "format", "rows"]
    export_headings = {"partner.slug": _("Partner")}

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename="view_partneraccessrecord")


class PartnerAPIViewSetGroup(ViewSetGroup):
    menu_label = _("Partner API")
    menu_icon = "key"
    menu_order = 265
    items = (PartnerTokenViewSet("partner_tokens"), PartnerAccessRecordViewSet("partner_access"))
