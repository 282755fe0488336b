"""``manage.py create_partner_token PARTNER_SLUG --scope ...``: prints the token once; it works for its scopes."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from wagtail_petitions.models import PartnerToken
from wagtail_petitions.models.partner_tokens import hash_token

pytestmark = pytest.mark.django_db


def test_prints_a_working_token_once(partner):
    out, err = StringIO(), StringIO()
    call_command(
        "create_partner_token",
        "drc",
        "--scope",
        "stats:read",
        "--scope",
        "signers:read",
        "--name",
        "CRM",
        "--expires-in-days",
        "30",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    token = PartnerToken.objects.get()
    assert token.secret_hash == hash_token(raw) and token.name == "CRM"
    assert token.scopes == ["signers:read", "stats:read"] and token.expires_at is not None
    assert raw not in err.getvalue() and "shown once" in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(reverse("widget_api:partner-petition-list")).status_code == 200


def test_refuses_unknown_partners_and_scopes(partner):
    with pytest.raises(CommandError, match="No partner"):
        call_command("create_partner_token", "nope", "--scope", "stats:read", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("create_partner_token", "drc", "--scope", "everything", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError):
        call_command("create_partner_token", "drc", stdout=StringIO(), stderr=StringIO())
    assert not PartnerToken.objects.exists()
