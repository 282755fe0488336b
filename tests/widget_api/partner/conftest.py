"""Partner API fixtures: a second partner, tokens with chosen scopes, signatures through partners."""

import pytest

from tests.conftest import signer


@pytest.fixture
def other_partner(db):
    from wagtail_petitions.models import Partner

    return Partner.objects.create(name="Other NGO", slug="other")


@pytest.fixture
def issue_token(db):
    from wagtail_petitions.models import PartnerToken

    def issue(partner, *scopes, **kwargs):
        return PartnerToken.objects.issue(partner, name=kwargs.pop("name", "test"), scopes=scopes, **kwargs)[1]

    return issue


@pytest.fixture
def partner_client():
    """An API client that sends ``Authorization: Bearer <token>``."""
    from rest_framework.test import APIClient

    def make(raw):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def sign():
    from wagtail_petitions.signing import sign_petition

    def do(petition, n, **fields):
        return sign_petition(petition, signer(n, **fields)).signature

    return do
