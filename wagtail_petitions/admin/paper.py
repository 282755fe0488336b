"""Paper batches: record and correct (with a reason) signatures collected on paper. No deletion: a mistaken batch
is corrected to 0, which keeps the record of what happened."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from ..models import PaperBatch, petition_pages
from ..paper import correct_paper_batch, record_paper_batch
from .exports import NeutralisedSpreadsheetExportMixin


class PetitionPageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.locale.language_code})"


class PaperBatchForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "page" in self.fields:
            self.fields["page"] = PetitionPageChoiceField(
                queryset=petition_pages().select_related("locale").order_by("title"),
                label=self.fields["page"].label,
            )


class PaperBatchCorrectionForm(PaperBatchForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded with the old and new values, your name and the time."),
    )


class PaperBatchIndexView(NeutralisedSpreadsheetExportMixin, IndexView):
    def get_filename(self):
        return f"paper-batches-{datetime.date.today().isoformat()}"


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
    index_view_class = PaperBatchIndexView
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
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"delete_url_name": None, **kwargs})
