"""``Authorization: Bearer <token>`` with a partner's API token (``wagtail_petitions.models.PartnerToken``).

``request.auth`` is the ``PartnerToken`` and ``request.auth.partner`` its partner; ``request.user`` stays
anonymous (``None``): a partner is not a user of the site. A request without the header is unauthenticated (the
views' permission then answers 401); a header with an unknown, expired or revoked token, or the token of an
inactive partner, is answered 401 at once.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from wagtail_petitions.models import PartnerToken

KEYWORD = "Bearer"


class PartnerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Send the token as 'Authorization: Bearer <token>', with no space in the token."),
                code="invalid_token",
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = PartnerToken.objects.authenticate(raw)
        if token is None:
            raise AuthenticationFailed(_("This token is unknown, expired or revoked."), code="invalid_token")
        return (None, token)

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="partner-api"'
