"""Scopes: a view names the one it needs (``required_scope``); a token without it gets 403."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from wagtail_petitions.models import PartnerToken


class HasPartnerScope(BasePermission):
    """Allows a request authenticated by a partner token (``PartnerTokenAuthentication``) that has the view's
    ``required_scope``. Without a token DRF answers 401 (with ``WWW-Authenticate: Bearer``), with a token lacking
    the scope 403 ``insufficient_scope``."""

    message = _("This token does not have the scope this resource needs.")
    code = "insufficient_scope"

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, PartnerToken):
            return False
        required = getattr(view, "required_scope", None)
        if not required:
            # A view that forgets to name its scope is closed, not open.
            return False
        return token.has_scope(required)
