"""Partners, as Wagtail snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Partner


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
