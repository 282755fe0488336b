"""Admin registration: the Petitions menu (signatures of each signature model, paper batches), partner snippets,
reports, embed codes and signature sheets."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet

from .admin.embed_codes import EmbedCodeView
from .admin.paper import PaperBatchViewSet
from .admin.partner_tokens import PartnerAPIViewSetGroup
from .admin.partners import PartnerViewSet
from .admin.permissions import can_view_signatures, petitions_for_user
from .admin.reports import PetitionReportView, PetitionsReportView
from .admin.retention import RetentionReportView
from .admin.review import ReviewView
from .admin.sheets import SignatureSheetView
from .admin.signatures import SignatureViewSet
from .admin.signers import SignerDataView
from .admin.updates import PetitionUpdateViewSet
from .admin.webhooks import WebhooksViewSetGroup
from .models import PetitionPageMixin, Signature, get_signature_models
from .models.pages import SYNC_LOG_ACTION

register_snippet(PartnerViewSet)


def signature_viewset_name(model) -> str:
    """``signatures`` for the default model (its URLs are ``signatures:index`` ...), else the model's label."""
    return "signatures" if model is Signature else f"signatures_{model._meta.app_label}_{model._meta.model_name}"


class PetitionsViewSetGroup(ViewSetGroup):
    menu_label = _("Petitions")
    menu_icon = "clipboard-list"
    menu_order = 250

    def __init__(self):
        self.items = [
            *(SignatureViewSet(signature_viewset_name(model), model=model) for model in get_signature_models()),
            PaperBatchViewSet("paper_batches"),
            PetitionUpdateViewSet("petition_updates"),
        ]
        super().__init__()


@hooks.register("register_admin_viewset")
def register_petitions_viewsets():
    return PetitionsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_webhooks_viewsets():
    return WebhooksViewSetGroup()


@hooks.register("register_admin_viewset")
def register_partner_api_viewsets():
    return PartnerAPIViewSetGroup()


def _namespace(name, patterns):
    return include((patterns, name))


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "petitions/reports/",
            _namespace(
                "wagtail_petitions_reports",
                [
                    path("", PetitionsReportView.as_view(), name="index"),
                    path("results/", PetitionsReportView.as_view(results_only=True), name="index_results"),
                    path("<int:page_id>/", PetitionReportView.as_view(), name="petition"),
                    path(
                        "<int:page_id>/results/",
                        PetitionReportView.as_view(results_only=True),
                        name="petition_results",
                    ),
                ],
            ),
        ),
        path(
            "petitions/retention/",
            _namespace(
                "wagtail_petitions_retention",
                [
                    path("", RetentionReportView.as_view(), name="index"),
                    path("results/", RetentionReportView.as_view(results_only=True), name="index_results"),
                ],
            ),
        ),
        path(
            "petitions/signers/",
            _namespace("wagtail_petitions_signers", [path("", SignerDataView.as_view(), name="index")]),
        ),
        path(
            "petitions/embed-code/",
            _namespace("wagtail_petitions_embed_code", [path("", EmbedCodeView.as_view(), name="index")]),
        ),
        path(
            "petitions/review/",
            _namespace("wagtail_petitions_review", [path("<int:page_id>/", ReviewView.as_view(), name="petition")]),
        ),
        path(
            "petitions/sheets/",
            _namespace(
                "wagtail_petitions_sheets", [path("<int:page_id>/", SignatureSheetView.as_view(), name="sheet")]
            ),
        ),
    ]


class PetitionCountsMenuItem(MenuItem):
    """Shown to editors who can see at least one petition's counts; the views check again."""

    def is_shown(self, request):
        return petitions_for_user(request.user).exists()


@hooks.register("register_reports_menu_item")
def register_petitions_report_menu_item():
    return PetitionCountsMenuItem(
        _("Petitions"),
        reverse("wagtail_petitions_reports:index"),
        name="petitions",
        icon_name="clipboard-list",
        order=150,
    )


@hooks.register("register_reports_menu_item")
def register_retention_report_menu_item():
    return PetitionCountsMenuItem(
        _("Retention"), reverse("wagtail_petitions_retention:index"), name="retention", icon_name="time", order=151
    )


class SignerDataMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_signatures(request.user)


@hooks.register("register_admin_menu_item")
def register_signer_data_menu_item():
    return SignerDataMenuItem(
        _("Signer's data"), reverse("wagtail_petitions_signers:index"), name="signer-data", icon_name="user", order=260
    )


@hooks.register("register_admin_menu_item")
def register_embed_code_menu_item():
    return PetitionCountsMenuItem(
        _("Embed codes"), reverse("wagtail_petitions_embed_code:index"), name="embed-codes", icon_name="code", order=270
    )


@hooks.register("register_page_header_buttons")
def petition_page_header_buttons(page, user, view_name, next_url=None):
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


@hooks.register("register_log_actions")
def register_partner_token_log_actions(actions):
    actions.register_action(
        "wagtail_petitions.revoke_token", _("Revoke partner API token"), _("Partner API token revoked")
    )


@hooks.register("register_log_actions")
def register_translation_sync_log_action(actions):
    actions.register_action(
        SYNC_LOG_ACTION,
        _("Copy petition-wide fields from another translation"),
        _("Petition-wide fields (status, goal, ...) copied from another translation"),
    )


@hooks.register("before_publish_page")
def keep_petition_wide_changes(request, page):
    """An editor who publishes a form opened before another translation changed the petition-wide fields keeps
    those changes in the fields they did not touch (``merge_stale_synchronised_fields``)."""
    if isinstance(page, PetitionPageMixin):
        page.merge_stale_synchronised_fields(page.latest_revision, request.POST.get("loaded_revision_id"))
