"""``widget_api.parsers.LimitedJSONParser``: what a signing body may be, and the 4xx when it is not."""

import json

import pytest

from tests.conftest import form_token, signer
from wagtail_petitions.models import Signature

pytestmark = pytest.mark.django_db


def post(client, petition, body: bytes):
    return client.post(f"/api/v1/petitions/{petition.slug}/signatures/", body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        b'{"first_name": "\\ud800", "last_name": "L", "email": "a@example.org", "country": "FR"}',
        b'{"first_name": NaN}',
        b'{"first_name": "\xff\xfe"}',
        b'{"first_name": ',
    ],
    ids=["lone surrogate", "NaN", "not UTF-8", "truncated"],
)
def test_unreadable_bodies_are_a_400_parse_error(client, petition, body):
    response = post(client, petition, body)
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"][0]["code"] == "parse_error"
    assert petition.get_tally().total == 0


def test_escaped_characters_are_read(client, petition):
    data = {**signer(), "first_name": "Ren\u00e9e \U0001f30d", **form_token(petition)}
    body = json.dumps(data, ensure_ascii=True).encode()
    assert b"\\u" in body
    response = post(client, petition, body)
    assert response.status_code == 201
    assert Signature.objects.get(page=petition).first_name == "Ren\u00e9e \U0001f30d"


def test_a_body_over_the_limit_is_a_413(client, petition, settings):
    settings.WAGTAIL_PETITIONS_SIGNATURE_MAX_BODY_BYTES = 200
    response = post(client, petition, json.dumps({**signer(), "source": "x" * 300}).encode())
    assert response.status_code == 413
