"""Reports → Retention: when each petition's signers' personal data is removed, and how much is left to remove."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from ..retention import schedule
from .permissions import one_page_per_petition, petitions_for_user


class RetentionRow:
    def __init__(self, row):
        self.page = row.petition
        self.title = row.petition.title
        self.status = row.petition.get_status_display()
        self.months = row.months
        self.start = row.start
        self.due = row.due
        self.remaining = row.signatures_with_personal_data
        if row.due is None:
            self.when = _("Not before it closes")
        elif row.is_due:
            self.when = _("Due: the next daily run") if self.remaining else _("Done")
        else:
            self.when = _("Scheduled")


class RetentionReportView(ReportView):
    """Every petition the user may see: its retention, the day its clock started, the day its signatures are
    anonymised, and how many still hold personal data."""

    page_title = _("Retention")
    header_icon = "time"
    index_url_name = "wagtail_petitions_retention:index"
    index_results_url_name = "wagtail_petitions_retention:index_results"
    paginate_by = 50

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("Petition"),
                get_url=lambda row: reverse("wagtail_petitions_reports:petition", args=[row.page.pk]),
            ),
            Column("status", label=_("Status")),
            Column("months", label=_("Kept for (months)")),
            DateColumn("start", label=_("Closed or delivered")),
            DateColumn("due", label=_("Anonymised from")),
            Column("remaining", label=_("Signatures with personal data")),
            Column("when", label=_("State")),
        ]

    def dispatch(self, request, *args, **kwargs):
        if not petitions_for_user(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return [RetentionRow(row) for row in schedule(one_page_per_petition(petitions_for_user(self.request.user)))]
