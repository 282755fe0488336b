"""The signatures of one signature model: list, filters, search, CSV/XLSX export, and a detail page where they are
invalidated and restored. Only users with the model's ``view`` permission see any of it (personal data).

``wagtail_hooks`` registers one ``SignatureViewSet`` per signature model used by a petition page type.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from ..choices import Channel, SignatureState
from ..models import Partner, Signature, SignatureStateChange, get_petition_page_models, petition_pages
from ..moderation import CONFIRMABLE, ModerationError, confirm_signature, invalidate_signature, restore_signature
from .exports import NeutralisedSpreadsheetExportMixin
from .permissions import can_invalidate_signatures, one_page_per_petition


def petition_choices(signature_model):
    """``(tally key, title)`` of every petition whose signatures are ``signature_model``'s."""
    page_models = [m for m in get_petition_page_models() if m.get_signature_model() is signature_model]
    types = ContentType.objects.get_for_models(*page_models).values() if page_models else []
    pages = petition_pages().filter(content_type__in=list(types))
    return [(str(page.get_tally_key()), page.title) for page in one_page_per_petition(pages)]


class SignatureFilterSet(WagtailFilterSet):
    petition = django_filters.ChoiceFilter(label=_("Petition"), field_name="petition_key", empty_label=_("All"))
    country = django_filters.ChoiceFilter(label=_("Country"), choices=lambda: list(countries), empty_label=_("All"))
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=Partner.objects.all(), empty_label=_("All"))
    # Named by a widget on a site the partner has not registered (``signing.attribution``): for review.
    claimed_partner = django_filters.ModelChoiceFilter(
        label=_("Claimed partner (not credited)"), queryset=Partner.objects.all(), empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Online or paper"), choices=Channel.choices, empty_label=_("All"), widget=forms.RadioSelect
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=SignatureState.choices, empty_label=_("All"), widget=forms.RadioSelect
    )
    created_at = django_filters.DateFromToRangeFilter(label=_("Signed between"), widget=DateRangePickerWidget)

    class Meta:
        model = Signature
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["petition"].extra["choices"] = lambda: petition_choices(self._meta.model)


class SignatureIndexView(NeutralisedSpreadsheetExportMixin, IndexView):
    # Personal data: the "view" permission only, whatever else the user may do.
    permission_required = "view"
    any_permission_required = ["view"]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page", "partner", "claimed_partner")

    def get_filename(self):
        return f"signatures-{datetime.date.today().isoformat()}"


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class SignatureInspectView(InspectView):
    """A signature's details and history; users who may invalidate signatures can invalidate or restore it."""

    template_name = "wagtail_petitions/admin/signature_inspect.html"
    permission_required = "view"
    any_permission_required = ["view"]

    @cached_property
    def can_moderate(self):
        return can_invalidate_signatures(self.request.user, self.model)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            state_changes=SignatureStateChange.objects.for_signature(self.object).select_related("user"),
            can_moderate=self.can_moderate,
            moderation_form=kwargs.get("moderation_form") or ModerationForm(),
            is_invalidated=self.object.state == SignatureState.INVALIDATED,
            is_confirmable=self.object.state in CONFIRMABLE,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_moderate:
            raise PermissionDenied
        self.object = self.get_object()
        form = ModerationForm(request.POST)
        if form.is_valid():
            try:
                if request.POST.get("action") == "restore":
                    restore_signature(self.object, user=request.user, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The signature is restored to the state it had."))
                elif request.POST.get("action") == "confirm":
                    confirm_signature(self.object, user=request.user, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The signature is confirmed and counts."))
                else:
                    invalidate_signature(self.object, user=request.user, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The signature is invalidated and no longer counts."))
                return redirect(request.path)
            except ModerationError as error:
                form.add_error("reason", str(error))
        return self.render_to_response(self.get_context_data(moderation_form=form))


class SignatureViewSet(ModelViewSet):
    """``SignatureViewSet(name, model=...)``: the admin of one signature model (``Signature`` by default)."""

    model = Signature
    icon = "user"
    index_view_class = SignatureIndexView
    inspect_view_class = SignatureInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "-created_at"
    search_fields = ["first_name", "last_name", "email"]
    search_backend_name = None
    list_display = [
        "__str__",
        "email",
        "country",
        "partner",
        Column("claimed_partner", label=_("Claimed partner")),
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        Column("state", label=_("State"), accessor="get_state_display"),
        DateColumn("created_at", label=_("Signed at"), sort_key="created_at"),
        Column("page", label=_("Petition")),
    ]
    list_export = [
        "first_name",
        "last_name",
        "email",
        "country.code",
        "postal_code",
        "consent_updates",
        "consent_partner",
        "partner.slug",
        "claimed_partner.slug",
        "source",
        "language",
        "channel",
        "state",
        "created_at",
        "page.title",
        "petition_key",
    ]
    export_headings = {
        "country.code": _("Country"),
        "partner.slug": _("Partner"),
        "claimed_partner.slug": _("Claimed partner"),
        "page.title": _("Petition"),
        "petition_key": _("Petition key"),
    }
    inspect_view_fields = [
        "first_name",
        "last_name",
        "email",
        "country",
        "postal_code",
        "consent_updates",
        "consent_partner",
        "consent_text_version",
        "partner",
        "claimed_partner",
        "source",
        "language",
        "channel",
        "state",
        "created_at",
        "confirmed_at",
        "screening",
        "page",
    ]

    @cached_property
    def menu_label(self):
        return self.model._meta.verbose_name_plural.capitalize()

    @cached_property
    def filterset_class(self):
        meta = type("Meta", (SignatureFilterSet.Meta,), {"model": self.model})
        return type(f"{self.model.__name__}FilterSet", (SignatureFilterSet,), {"Meta": meta})

    def get_common_view_kwargs(self, **kwargs):
        # Signatures are made by signing only: no add, edit, copy or delete in the admin.
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        codenames = [f"view_{self.model._meta.model_name}", "invalidate_signature"]
        return super().get_permissions_to_register().filter(codename__in=codenames)
