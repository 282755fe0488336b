"""Admin registration: the Petitions menu (signatures, paper batches, embed codes), partner snippets, reports."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import Partner


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["name", "slug", "website", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "website", "contact_name", "contact_email"]
    search_backend_name = None
    copy_view_enabled = False


register_snippet(PartnerViewSet)


@hooks.register("register_admin_viewset")
def register_petitions_viewsets():
    return admin_views.PetitionsViewSetGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "petitions/reports/",
            include(
                (
                    [
                        path("", admin_views.PetitionsReportView.as_view(), name="index"),
                        path(
                            "results/", admin_views.PetitionsReportView.as_view(results_only=True), name="index_results"
                        ),
                        path("<int:page_id>/", admin_views.PetitionReportView.as_view(), name="petition"),
                        path(
                            "<int:page_id>/results/",
                            admin_views.PetitionReportView.as_view(results_only=True),
                            name="petition_results",
                        ),
                    ],
                    "wagtail_petitions_reports",
                )
            ),
        ),
        path(
            "petitions/embed-code/",
            include(([path("", admin_views.EmbedCodeView.as_view(), name="index")], "wagtail_petitions_embed_code")),
        ),
        path(
            "petitions/sheets/",
            include(
                (
                    [path("<int:page_id>/", admin_views.SignatureSheetView.as_view(), name="sheet")],
                    "wagtail_petitions_sheets",
                )
            ),
        ),
    ]


class PetitionCountsMenuItem(MenuItem):
    """Shown to editors who can see at least one petition's counts; the views check again."""

    def is_shown(self, request):
        return admin_views.petitions_for_user(request.user).exists()


@hooks.register("register_reports_menu_item")
def register_petitions_report_menu_item():
    return PetitionCountsMenuItem(
        _("Petitions"),
        reverse("wagtail_petitions_reports:index"),
        name="petitions",
        icon_name="clipboard-list",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def register_embed_code_menu_item():
    return PetitionCountsMenuItem(
        _("Embed codes"), reverse("wagtail_petitions_embed_code:index"), name="embed-codes", icon_name="code", order=270
    )


@hooks.register("register_page_header_buttons")
def petition_page_header_buttons(page, user, view_name, next_url=None):
    from wagtail.admin.widgets import Button

    from .models import PetitionPageMixin

    if issubclass(page.specific_class or type(page), PetitionPageMixin):
        yield Button(
            _("Figures"), reverse("wagtail_petitions_reports:petition", args=[page.pk]), icon_name="table", priority=60
        )
        yield Button(
            _("Signature sheet"),
            reverse("wagtail_petitions_sheets:sheet", args=[page.pk]),
            icon_name="doc-full",
            priority=61,
        )
