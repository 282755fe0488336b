"""Reports: every petition's counts, and one petition's counts by country, partner and day. Counts only."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from ..figures import petition_figures, petition_report_rows
from .exports import NeutralisedSpreadsheetExportMixin
from .permissions import can_view_signatures, get_petition_for_user, one_page_per_petition, petitions_for_user


class PetitionRow:
    def __init__(self, page, figures):
        self.page = page
        self.title = page.title
        self.total, self.online, self.paper = figures.total, figures.online, figures.paper
        self.last_24h = figures.last_24h_online + figures.last_24h_paper
        self.pending, self.held, self.quarantined = figures.pending, figures.held, figures.quarantined
        self.invalidated, self.expired = figures.invalidated, figures.expired
        self.withdrawn = figures.withdrawn
        self.status = page.get_status_display()


class PetitionsReportView(NeutralisedSpreadsheetExportMixin, ReportView):
    """Every petition the user may see, with its counts."""

    page_title = _("Petitions")
    header_icon = "clipboard-list"
    index_url_name = "wagtail_petitions_reports:index"
    index_results_url_name = "wagtail_petitions_reports:index_results"
    paginate_by = 50
    list_export = [
        "title",
        "status",
        "total",
        "online",
        "paper",
        "last_24h",
        "pending",
        "held",
        "quarantined",
        "invalidated",
        "expired",
        "withdrawn",
    ]
    export_headings = {
        "last_24h": _("Last 24 hours"),
        "pending": _("Pending confirmation"),
        "held": _("Held"),
        "quarantined": _("Quarantined"),
        "invalidated": _("Invalidated"),
        "expired": _("Expired unconfirmed"),
        "withdrawn": _("Withdrawn"),
    }

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
            Column("pending", label=_("Pending confirmation")),
            Column("held", label=_("Held")),
            Column("quarantined", label=_("Quarantined")),
            Column("invalidated", label=_("Invalidated")),
            Column("expired", label=_("Expired unconfirmed")),
            Column("withdrawn", label=_("Withdrawn")),
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
