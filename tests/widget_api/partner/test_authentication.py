"""Bearer tokens: only a usable token of an active partner authenticates, and only for its scopes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from wagtail_petitions.models import PartnerToken
from wagtail_petitions.models.partner_tokens import SIGNERS_READ, STATS_READ, WEBHOOKS_MANAGE, hash_token

pytestmark = pytest.mark.django_db

PETITIONS = reverse("widget_api:partner-petition-list")


def errors(response):
    return response.json()["errors"]["non_field_errors"][0]["code"]


def test_no_token_is_401_with_a_bearer_challenge(partner):
    response = APIClient().get(PETITIONS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert errors(response) == "not_authenticated"
    assert "Set-Cookie" not in response


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer wpt_nope", "Bearer wpt_a wpt_b", "Bearer " + "wpt_" + "x" * 500, "Bearer \u00e9t\u00e9"],
)
def test_malformed_or_unknown_tokens_are_401(partner, issue_token, header):
    issue_token(partner, STATS_READ)
    response = APIClient().get(PETITIONS, HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401
    assert errors(response) == "invalid_token"


def test_the_stored_secret_is_a_digest_only(partner):
    token, raw = PartnerToken.objects.issue(partner, name="crm", scopes=[STATS_READ])
    assert raw.startswith("wpt_") and len(raw) > 40
    token.refresh_from_db()
    assert token.secret_hash == hash_token(raw) and raw not in token.secret_hash
    assert raw.startswith(token.key_prefix) and len(token.key_prefix) < 12
    assert raw not in str([getattr(token, f.attname) for f in PartnerToken._meta.concrete_fields])


def test_revoked_expired_and_inactive_partner_tokens_stop_working(partner, issue_token, partner_client):
    raw = issue_token(partner, STATS_READ)
    assert partner_client(raw).get(PETITIONS).status_code == 200

    token = PartnerToken.objects.get()
    token.revoke()
    assert partner_client(raw).get(PETITIONS).status_code == 401

    expired = issue_token(partner, STATS_READ, expires_at=timezone.now() - timedelta(seconds=1))
    assert partner_client(expired).get(PETITIONS).status_code == 401
    later = issue_token(partner, STATS_READ, expires_at=timezone.now() + timedelta(days=1))
    assert partner_client(later).get(PETITIONS).status_code == 200

    partner.is_active = False
    partner.save()
    assert partner_client(later).get(PETITIONS).status_code == 401


def test_a_token_without_the_scope_is_403(partner, issue_token, partner_client, petition):
    raw = issue_token(partner, WEBHOOKS_MANAGE)
    response = partner_client(raw).get(PETITIONS)
    assert response.status_code == 403 and errors(response) == "insufficient_scope"
    stats_only = issue_token(partner, STATS_READ)
    signers = partner_client(stats_only).get(reverse("widget_api:partner-signature-list"), {"petition": petition.slug})
    assert signers.status_code == 403 and errors(signers) == "insufficient_scope"
    assert partner_client(issue_token(partner, SIGNERS_READ)).get(PETITIONS).status_code == 403


def test_last_used_is_recorded_but_not_on_every_request(partner, issue_token, partner_client, monkeypatch):
    from wagtail_petitions.models import partner_tokens

    # However slow the machine, the second request falls within the resolution.
    monkeypatch.setattr(partner_tokens, "LAST_USED_RESOLUTION", timedelta(days=1))
    raw = issue_token(partner, STATS_READ)
    token = PartnerToken.objects.get()
    assert token.last_used_at is None
    partner_client(raw).get(PETITIONS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    partner_client(raw).get(PETITIONS)
    token.refresh_from_db()
    assert token.last_used_at == first
    # Once the last use is older than the resolution, the next request writes it again.
    PartnerToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(days=2))
    partner_client(raw).get(PETITIONS)
    token.refresh_from_db()
    assert token.last_used_at >= first


def test_unknown_scopes_are_refused(partner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        PartnerToken.objects.issue(partner, name="x", scopes=["signers:write"])
