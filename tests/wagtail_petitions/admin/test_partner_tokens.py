"""Partner API tokens in the admin: shown once, stored hashed, scopes, revocation, last use; the access log."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.wagtail_petitions.conftest import add_permission, client_for
from wagtail_petitions.models import PartnerAccessRecord, PartnerToken
from wagtail_petitions.models.partner_tokens import hash_token

pytestmark = pytest.mark.django_db

PETITIONS = reverse("widget_api:partner-petition-list")


def test_a_token_is_shown_once_and_stored_hashed(client, superuser, partner):
    client_for(client, superuser)
    response = client.post(
        reverse("partner_tokens:add"),
        {"partner": partner.pk, "name": "CRM sync", "scopes": ["stats:read", "signers:read"], "expires_at": ""},
    )
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'value="(wpt_[^"]+)"', response.content.decode()).group(1)
    token = PartnerToken.objects.get()
    assert token.secret_hash == hash_token(raw) and token.created_by == superuser
    assert token.scopes == ["signers:read", "stats:read"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(PETITIONS).status_code == 200

    # Never shown again: not in the listing, not on its page.
    listing = client.get(reverse("partner_tokens:index")).content.decode()
    edit = client.get(reverse("partner_tokens:edit", args=[token.pk])).content.decode()
    assert "CRM sync" in listing and token.key_prefix in listing
    assert raw not in listing and raw not in edit
    assert "Last used" in edit

    # Revoked: stops working at once, shown as revoked.
    assert client.post(reverse("partner_tokens:revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == superuser
    assert api.get(PETITIONS).status_code == 401
    assert "revoked" in client.get(reverse("partner_tokens:index")).content.decode()


def test_reading_signers_needs_the_right_to_see_them(client, editor, signature_manager, partner):
    for user in (editor, signature_manager):
        for codename in ("add_partnertoken", "change_partnertoken", "view_partnertoken"):
            user = add_permission(user, codename)
        client_for(client, user)
        client.post(
            reverse("partner_tokens:add"),
            {"partner": partner.pk, "name": user.username, "scopes": ["signers:read"]},
        )
    assert list(PartnerToken.objects.values_list("name", flat=True)) == ["manager"]


def test_editors_without_permission_cannot_issue_or_revoke(client, editor, partner):
    token, _raw = PartnerToken.objects.issue(partner, name="x", scopes=["stats:read"])
    client_for(client, editor)
    assert client.get(reverse("partner_tokens:add")).status_code in (302, 403)
    # Wagtail answers a refused admin request by a redirect to the dashboard with a message.
    assert client.post(reverse("partner_tokens:revoke", args=[token.pk])).status_code in (302, 403)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_editors_see_the_access_log(client, superuser, partner):
    token, _raw = PartnerToken.objects.issue(partner, name="CRM sync", scopes=["signers:read"])
    PartnerAccessRecord.objects.create(
        partner=partner,
        token=token,
        token_name=token.name,
        resource="signatures",
        format="csv",
        rows=12345,
        petition_title="Stop spyware",
    )
    client_for(client, superuser)
    page = client.get(reverse("partner_access:index")).content.decode()
    assert "CRM sync" in page and "12345" in page and "Stop spyware" in page
    export = client.get(reverse("partner_access:index"), {"export": "csv"})
    assert b"12345" in b"".join(export.streaming_content)
