"""``widget_api.form_schema``: the signing body's schema says of each value what the signing form decides."""

import re

import pytest
from django import forms
from django_countries import countries
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import signer
from wagtail_petitions.forms import NameField, PlainTextField, SignatureForm
from widget_api.form_schema import field_json_schema, form_json_schema

SIGN_URL = "/api/v1/petitions/{}/signatures/"
# Around and inside a value: spaces of every kind, control and invisible characters, the joiners, letters.
TRICKY = "\t\n\r \x0b\x1c\x1f\x7f\x85\x9c\xa0\xad\u061c\u1680\u2003\u200b\u200c\u200d\u200e\u2028\u202e\u3000\ufeff"
TEXT = st.text(st.sampled_from(TRICKY) | st.characters(exclude_categories=["Cs"]), max_size=12)
FIELDS = [
    NameField(max_length=5),
    NameField(max_length=5, required=False),
    PlainTextField(max_length=5),
    PlainTextField(max_length=5, required=False),
    PlainTextField(max_length=1),
]


def accepted(field: forms.Field, value: str) -> bool:
    try:
        field.clean(value)
    except forms.ValidationError:
        return False
    return True


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{type(f).__name__}-{f.max_length}-{f.required}")
@settings(max_examples=400, deadline=None, database=None)
@given(value=TEXT)
def test_a_text_pattern_matches_what_the_field_accepts(field, value):
    matches = re.fullmatch(field_json_schema(field)["pattern"], value) is not None
    if "\u200c" in value or "\u200d" in value:
        # A pattern cannot say "a joiner between letters": it leaves the joiners out, and says no more than the form.
        assert not matches or accepted(field, value)
    else:
        assert matches == accepted(field, value), ascii(value)


def test_the_signing_body_follows_the_form():
    schema = form_json_schema(SignatureForm)
    assert schema["required"] == ["first_name", "last_name", "email", "country"]
    assert schema["properties"]["email"] == {"type": "string", "format": "email", "maxLength": 254}
    assert set(schema["properties"]["country"]["enum"]) == {code for code, _name in countries}
    assert schema["properties"]["postal_code"]["nullable"] is True  # optional: null reads as empty
    assert {"type": "boolean"} in schema["properties"]["consent_updates"]["anyOf"]


def test_the_signing_operation_requires_its_body(client, db):
    operation = client.get("/api/v1/schema/?format=json").json()["paths"]["/api/v1/petitions/{slug}/signatures/"]
    body = operation["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == form_json_schema(SignatureForm)
    (key,) = [p for p in operation["post"]["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["schema"]["pattern"] == "^[A-Za-z0-9_.:-]{8,128}$"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        # Without a partner the partner box is not on the form; an answer that is not yes or no is still refused.
        ({"consent_partner": "maybe"}, "consent_partner"),
        ({"consent_partner": [1]}, "consent_partner"),
        # A partner's slug is a string (an empty list is not "no partner").
        ({"partner": []}, "partner"),
        ({"partner": {}}, "partner"),
    ],
)
def test_what_the_schema_refuses_the_api_refuses(api_client, petition, data, field):
    response = api_client.post(SIGN_URL.format(petition.slug), signer(**data), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field][0]["code"] == "invalid"


def test_no_partner_and_a_yes_or_no_answer_still_sign(api_client, petition):
    for answer in (True, False, "on", None):
        response = api_client.post(SIGN_URL.format(petition.slug), signer(consent_partner=answer), format="json")
        assert response.status_code in (201, 202), response.content
