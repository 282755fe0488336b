"""Admin views of the plugin, built on Wagtail's generic views and viewsets.

- Signatures (``SignatureViewSet``): list, filters, search, CSV/XLSX export, and a detail page where signatures
  are invalidated and restored. Only users with the ``view`` permission on signatures see any of it.
- Paper batches (``PaperBatchViewSet``): record and correct (with a reason) signatures collected on paper.
- Reports: every petition's counts, and one petition's counts by country, partner and day. Counts only.
- Embed codes and printable signature sheets for each petition.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_countries import countries
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.models import Locale

from .admin_exports import NeutralisedSpreadsheetExportMixin
from .figures import petition_figures, petition_report_rows
from .models import Channel, PaperBatch, Partner, PetitionPage, Signature, SignatureState, SignatureStateChange
from .moderation import ModerationError, invalidate_signature, restore_signature
from .paper import correct_paper_batch, record_paper_batch

SIGNATURE_VIEW_PERMISSION = "wagtail_petitions.view_signature"
SIGNATURE_INVALIDATE_PERMISSION = "wagtail_petitions.invalidate_signature"


def can_view_signatures(user) -> bool:
    """May ``user`` see signers' personal data and export it?"""
    return user.has_perm(SIGNATURE_VIEW_PERMISSION)


def petitions_for_user(user):
    """Petition pages whose counts ``user`` may see: all with the signatures permission, else those they can edit."""
    pages = PetitionPage.objects.all().select_related("locale")
    if can_view_signatures(user):
        return pages
    from wagtail.permission_policies.pages import PagePermissionPolicy

    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return pages.filter(pk__in=editable.values("pk"))


def one_page_per_petition(pages):
    """One page per translation key: the default locale's if there is one."""
    try:
        default_locale_id = Locale.get_default().pk
    except Locale.DoesNotExist:
        default_locale_id = None
    chosen: dict = {}
    for page in pages.order_by("pk"):
        current = chosen.get(page.translation_key)
        if current is None or (page.locale_id == default_locale_id and current.locale_id != default_locale_id):
            chosen[page.translation_key] = page
    return list(chosen.values())


def petition_choices():
    return [(str(page.translation_key), page.title) for page in one_page_per_petition(PetitionPage.objects.all())]


def get_petition_for_user(user, page_id):
    petition = get_object_or_404(PetitionPage.objects.select_related("locale"), pk=page_id)
    if not petitions_for_user(user).filter(pk=petition.pk).exists():
        raise PermissionDenied
    return petition


# --- Signatures ------------------------------------------------------------------------------------------------


class SignatureFilterSet(WagtailFilterSet):
    petition = django_filters.ChoiceFilter(
        label=_("Petition"), field_name="petition_key", choices=petition_choices, empty_label=_("All")
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=lambda: list(countries), empty_label=_("All"))
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=Partner.objects.all(), empty_label=_("All"))
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


class SignatureIndexView(NeutralisedSpreadsheetExportMixin, IndexView):
    # Personal data: the "view" permission only, whatever else the user may do.
    permission_required = "view"
    any_permission_required = ["view"]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page", "partner")

    def get_filename(self):
        return f"signatures-{datetime.date.today().isoformat()}"


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class SignatureInspectView(InspectView):
    """A signature's details and history; users with ``invalidate_signature`` can invalidate or restore it."""

    template_name = "wagtail_petitions/admin/signature_inspect.html"
    permission_required = "view"
    any_permission_required = ["view"]

    @cached_property
    def can_moderate(self):
        return self.request.user.has_perm(SIGNATURE_INVALIDATE_PERMISSION)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            state_changes=SignatureStateChange.objects.filter(signature=self.object).select_related("user"),
            can_moderate=self.can_moderate,
            moderation_form=kwargs.get("moderation_form") or ModerationForm(),
            is_invalidated=self.object.state == SignatureState.INVALIDATED,
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
                    messages.success(request, _("The signature is restored and counts again."))
                else:
                    invalidate_signature(self.object, user=request.user, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The signature is invalidated and no longer counts."))
                return redirect(request.path)
            except ModerationError as error:
                form.add_error("reason", str(error))
        return self.render_to_response(self.get_context_data(moderation_form=form))


class SignatureViewSet(ModelViewSet):
    model = Signature
    icon = "user"
    menu_label = _("Signatures")
    index_view_class = SignatureIndexView
    inspect_view_class = SignatureInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "-created_at"
    filterset_class = SignatureFilterSet
    search_fields = ["first_name", "last_name", "email"]
    search_backend_name = None
    list_display = [
        "__str__",
        "email",
        "country",
        "partner",
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
        "source",
        "language",
        "channel",
        "state",
        "created_at",
        "page",
    ]

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
        return super().get_permissions_to_register().filter(codename__in=["view_signature", "invalidate_signature"])


# --- Paper batches ---------------------------------------------------------------------------------------------


class PetitionPageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.locale.language_code})"


class PaperBatchForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "page" in self.fields:
            self.fields["page"] = PetitionPageChoiceField(
                queryset=PetitionPage.objects.select_related("locale").order_by("title"),
                label=self.fields["page"].label,
            )


class PaperBatchCorrectionForm(PaperBatchForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded with the old and new values, your name and the time."),
    )


class PaperBatchCreateView(CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        record_paper_batch(instance, user=self.request.user)
        log(instance=instance, action="wagtail.create", user=self.request.user, content_changed=True)
        return instance


class PaperBatchEditView(EditView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        correction = correct_paper_batch(instance, user=self.request.user, reason=self.form.cleaned_data["reason"])
        if correction is not None:
            log(
                instance=instance,
                action="wagtail.edit",
                user=self.request.user,
                content_changed=True,
                data={"changes": correction.changes, "reason": correction.reason},
            )
        return instance

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["corrections"] = self.object.corrections.select_related("user")
        return context


class PaperBatchViewSet(ModelViewSet):
    model = PaperBatch
    icon = "doc-full"
    menu_label = _("Paper batches")
    add_view_class = PaperBatchCreateView
    edit_view_class = PaperBatchEditView
    edit_template_name = "wagtail_petitions/admin/paper_batch_edit.html"
    copy_view_enabled = False
    ordering = ["-collected_on", "-pk"]
    list_filter = ["country", "partner", "collected_on"]
    list_display = [
        "__str__",
        Column("page", label=_("Petition")),
        "signature_count",
        "country",
        "collected_on",
        Column("collected_by", label=_("Collected by")),
        Column("entered_by", label=_("Entered by")),
    ]
    list_export = [
        "page.title",
        "country.code",
        "signature_count",
        "collected_on",
        "partner.slug",
        "event",
        "note",
        "entered_by",
        "entered_at",
    ]
    export_headings = {"page.title": _("Petition"), "country.code": _("Country"), "partner.slug": _("Partner")}
    search_fields = ["event", "note"]
    search_backend_name = None

    add_panel = ObjectList(PaperBatch.panels, base_form_class=PaperBatchForm)
    edit_panel = ObjectList(PaperBatch.panels + [FieldPanel("reason")], base_form_class=PaperBatchCorrectionForm)

    def get_add_view_kwargs(self, **kwargs):
        panel = self.add_panel.bind_to_model(self.model)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        panel = self.edit_panel.bind_to_model(self.model)
        return super().get_edit_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_urlpatterns(self):
        # No deletion: a mistaken batch is corrected to 0, which keeps the record of what happened.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"delete_url_name": None, **kwargs})


class PetitionsViewSetGroup(ViewSetGroup):
    menu_label = _("Petitions")
    menu_icon = "clipboard-list"
    menu_order = 250
    items = (SignatureViewSet("signatures"), PaperBatchViewSet("paper_batches"))


# --- Reports ---------------------------------------------------------------------------------------------------


class PetitionRow:
    def __init__(self, page, figures):
        self.page = page
        self.title = page.title
        self.total, self.online, self.paper = figures.total, figures.online, figures.paper
        self.last_24h = figures.last_24h_online + figures.last_24h_paper
        self.status = page.get_status_display()


class PetitionsReportView(NeutralisedSpreadsheetExportMixin, ReportView):
    """Every petition the user may see, with its counts."""

    page_title = _("Petitions")
    header_icon = "clipboard-list"
    index_url_name = "wagtail_petitions_reports:index"
    index_results_url_name = "wagtail_petitions_reports:index_results"
    paginate_by = 50
    list_export = ["title", "status", "total", "online", "paper", "last_24h"]
    export_headings = {"last_24h": _("Last 24 hours")}

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("Petition"),
                get_url=lambda row: reverse("wagtail_petitions_reports:petition", args=[row.page.pk]),
            ),
            Column("status", label=_("Status")),
            Column("total", label=_("Total")),
            Column("online", label=_("Online")),
            Column("paper", label=_("Paper")),
            Column("last_24h", label=_("Last 24 hours")),
        ]

    def dispatch(self, request, *args, **kwargs):
        if not petitions_for_user(request.user).exists() and not can_view_signatures(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        pages = one_page_per_petition(petitions_for_user(self.request.user))
        return [PetitionRow(page, petition_figures(page, top=None)) for page in pages]

    def get_filename(self):
        return f"petitions-{datetime.date.today().isoformat()}"


class PetitionReportView(NeutralisedSpreadsheetExportMixin, ReportView):
    """One petition's counts by country, by partner and by day (online and paper)."""

    header_icon = "clipboard-list"
    index_url_name = "wagtail_petitions_reports:petition"
    index_results_url_name = "wagtail_petitions_reports:petition_results"
    template_name = "wagtail_petitions/admin/petition_report.html"
    paginate_by = None
    list_export = ["dimension", "label", "online", "paper", "total"]
    export_headings = {"dimension": _("By"), "label": _("Value")}
    columns = [
        Column("dimension", label=_("By")),
        Column("label", label=_("Value")),
        Column("online", label=_("Online")),
        Column("paper", label=_("Paper")),
        Column("total", label=_("Total")),
    ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page_id = kwargs["page_id"]

    def dispatch(self, request, *args, **kwargs):
        self.petition = get_petition_for_user(request.user, self.page_id)
        return super().dispatch(request, *args, **kwargs)

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.page_id])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.page_id])

    def get_page_title(self):
        return _("Figures: %(title)s") % {"title": self.petition.title}

    def get_queryset(self):
        labels = {"country": _("Country"), "partner": _("Partner"), "day": _("Day")}
        return petition_report_rows(self.petition, labels={k: str(v) for k, v in labels.items()})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["petition"] = self.petition
        context["figures"] = petition_figures(self.petition, top=None)
        return context

    def get_filename(self):
        return f"petition-{self.petition.slug}-{datetime.date.today().isoformat()}"


# --- Embed codes -----------------------------------------------------------------------------------------------


class EmbedCodeForm(forms.Form):
    petition = forms.ModelChoiceField(
        label=_("Petition"), queryset=PetitionPage.objects.none(), empty_label=None, required=False
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.filter(is_active=True), required=False, empty_label=_("None")
    )
    lang = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, petitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["petition"].queryset = petitions
        self.fields["petition"].label_from_instance = lambda page: page.title
        self.fields["lang"].choices = [
            (locale.language_code, locale.get_display_name()) for locale in Locale.objects.all()
        ]


class EmbedCodeView(TemplateView):
    """Pick a petition, a partner and a language: preview the widget and copy the codes to give the partner.

    ``?petition=`` may be any translation's page id (the figures panel links here); its language is the default.
    """

    template_name = "wagtail_petitions/admin/embed_code.html"

    def dispatch(self, request, *args, **kwargs):
        if not petitions_for_user(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        pages = petitions_for_user(self.request.user).live()
        petitions = PetitionPage.objects.filter(pk__in=[page.pk for page in one_page_per_petition(pages)])
        chosen = pages.filter(pk=params["petition"]).first() if params.get("petition", "").isdigit() else None
        petition = petitions.filter(translation_key=chosen.translation_key).first() if chosen else petitions.first()
        partner = None
        if params.get("partner", "").isdigit():
            partner = Partner.objects.filter(pk=params["partner"], is_active=True).first()
        languages = set(Locale.objects.values_list("language_code", flat=True))
        lang = params.get("lang") if params.get("lang") in languages else None
        if petition is not None:
            lang = lang or (chosen or petition).language_code
            context.update(self.get_codes(petition, partner, lang))
        form = EmbedCodeForm(
            initial={"petition": petition and petition.pk, "partner": partner and partner.pk, "lang": lang},
            petitions=petitions.order_by("title"),
        )
        context.update(form=form, petition=petition, partner=partner, page_title=_("Embed codes"))
        return context

    def get_codes(self, petition, partner, lang):
        from urllib.parse import urlencode

        from .lookup import find_petition

        translated = find_petition(petition.slug, lang) or petition
        base = self.request.build_absolute_uri("/").rstrip("/")
        query = {"lang": lang}
        if partner:
            query["partner"] = partner.slug
        widget_url = f"{base}{reverse('embed:widget', args=[translated.slug])}?{urlencode(query)}"
        data = {"petition": translated.slug, "partner": partner.slug if partner else "", "lang": lang}
        attrs = " ".join(f'data-{name}="{escape(value)}"' for name, value in data.items() if value)
        script = f'<script async src="{escape(base + reverse("embed:loader"))}" {attrs}></script>'
        iframe = (
            f'<iframe src="{escape(widget_url)}" title="{escape(translated.title)}" loading="lazy" '
            'style="width:100%;max-width:40rem;height:44rem;border:0"></iframe>'
        )
        page_url = translated.get_full_url(self.request) or ""
        tracked_link = f"{page_url}?{urlencode({'partner': partner.slug})}" if partner else page_url
        return {
            "translated": translated,
            "widget_url": widget_url,
            "script_code": script,
            "iframe_code": iframe,
            "tracked_link": tracked_link,
        }


# --- Paper signature sheets ------------------------------------------------------------------------------------

SHEET_ROWS = 20


class SignatureSheetView(TemplateView):
    """A printable A4 signature sheet for one petition in one language (the page's), as HTML or ``?format=pdf``."""

    template_name = "wagtail_petitions/admin/signature_sheet.html"

    def get(self, request, page_id):
        petition = get_petition_for_user(request.user, page_id)
        try:
            rows = max(1, min(int(request.GET.get("rows", SHEET_ROWS)), 200))
        except ValueError:
            rows = SHEET_ROWS
        if request.GET.get("format") == "pdf":
            from .sheets import render_signature_sheet_pdf

            pdf = render_signature_sheet_pdf(petition, rows=rows)
            response = HttpResponse(pdf, content_type="application/pdf")
            filename = f"signature-sheet-{petition.slug}-{petition.language_code}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        from django.utils import translation

        with translation.override(petition.language_code):
            return TemplateResponse(
                request,
                self.template_name,
                {"petition": petition, "rows": range(1, rows + 1), "translations": self.translations(petition)},
            ).render()

    def translations(self, petition):
        return PetitionPage.objects.filter(translation_key=petition.translation_key).select_related("locale")
