"""Partners manage their webhook endpoints through the API (scope ``webhooks:manage``), only their own, with the
admin's address checks; the delivery log and replay. Runs once the partner tokens (``widget_api.partner``) exist."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytest.importorskip("widget_api.partner.authentication")

from standardwebhooks import Webhook  # noqa: E402

from tests.conftest import signer  # noqa: E402
from wagtail_petitions.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint  # noqa: E402
from wagtail_petitions.signing import sign_petition  # noqa: E402
from widget_api.partner.webhooks import WebhookEndpointSerializer  # noqa: E402

pytestmark = pytest.mark.django_db
URL = "/api/v1/partner/webhooks/"


def test_register_list_change_delete(partner, issue_token, partner_client):
    client = partner_client(issue_token(partner, "webhooks:manage"))
    created = client.post(
        URL, {"url": "https://93.184.215.14/hook", "events": ["signature.created"], "description": "CRM"}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    Webhook(body["secret"])  # a Standard Webhooks secret
    assert created["Cache-Control"] == "private, no-store"
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.partner == partner and endpoint.events == ["signature.created"]

    assert [e["id"] for e in client.get(URL).json()["results"]] == [endpoint.pk]
    changed = client.patch(f"{URL}{endpoint.pk}/", {"events": ["petition.closed"]}, format="json")
    assert changed.status_code == 200 and changed.json()["events"] == ["petition.closed"]
    assert client.delete(f"{URL}{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"url": "https://169.254.169.254/", "events": ["signature.created"]}, "url", "private"),
        ({"url": "https://localhost/hook", "events": ["signature.created"]}, "url", "private"),
        ({"url": "http://93.184.215.14/", "events": ["signature.created"]}, "url", "scheme"),
        ({"url": "https://93.184.215.14/", "events": []}, "events", "empty"),
        ({"url": "https://93.184.215.14/", "events": ["signature.deleted"]}, "events", "invalid_choice"),
        # What the schema states (pattern, minItems) is what is refused.
        ({"url": "HTTPS://93.184.215.14/", "events": ["signature.created"]}, "url", "scheme"),
        ({"url": "ftp://93.184.215.14/", "events": ["signature.created"]}, "url", "scheme"),
        (
            {"url": "https://93.184.215.14/", "events": ["signature.created"], "description": "a\x00b"},
            "description",
            "null_characters_not_allowed",
        ),
        # The JSON types of the schema, not what DRF would coerce (the digits of a number, 1 for true).
        (
            {"url": "https://93.184.215.14/", "events": ["signature.created"], "description": 5},
            "description",
            "invalid",
        ),
        ({"url": "https://93.184.215.14/", "events": ["signature.created"], "is_active": 1}, "is_active", "invalid"),
        (
            {"url": "https://93.184.215.14/", "events": ["signature.created"], "is_active": "true"},
            "is_active",
            "invalid",
        ),
    ],
)
def test_refusals_have_a_code_per_field(partner, issue_token, partner_client, data, field, code):
    client = partner_client(issue_token(partner, "webhooks:manage"))
    response = client.post(URL, data, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"][field]
    assert code in str(errors)
    assert not WebhookEndpoint.objects.exists()


def test_scope_and_partner_are_enforced(partner, other_partner, issue_token, partner_client):
    theirs = WebhookEndpoint.objects.create(
        partner=other_partner, url="https://93.184.215.14/", events=["petition.closed"]
    )
    assert partner_client(issue_token(partner, "stats:read")).get(URL).status_code == 403
    assert partner_client("wpt_nope").get(URL).status_code == 401
    client = partner_client(issue_token(partner, "webhooks:manage"))
    assert client.get(URL).json()["results"] == []
    for method in ("get", "patch", "delete"):
        assert getattr(client, method)(f"{URL}{theirs.pk}/", {}, format="json").status_code == 404
    assert client.get(f"{URL}{theirs.pk}/deliveries/").status_code == 404
    assert WebhookEndpoint.objects.get().secret == theirs.secret


def test_delivery_log_and_replay(
    petition, partner, issue_token, partner_client, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_HTTP = True
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WAGTAIL_PETITIONS_WEBHOOK_MAX_ATTEMPTS = 1
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url="http://127.0.0.1:9/closed-port", events=["signature.created"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_petition(petition, signer(1, partner="drc", consent_partner=True))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED

    client = partner_client(issue_token(partner, "webhooks:manage"))
    (row,) = client.get(f"{URL}{endpoint.pk}/deliveries/").json()["results"]
    assert row["event_id"] == delivery.event_id and row["status"] == "failed"
    assert "payload" not in row
    replay_url = f"{URL}{endpoint.pk}/deliveries/{delivery.pk}/replay/"
    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post(replay_url)
    assert answer.status_code == 202 and answer.json()["status"] == "pending"
    again = client.post(replay_url)
    assert again.status_code == 409 and again.json()["errors"]["non_field_errors"][0]["code"] == "cannot_replay"


def test_the_schema_states_the_rules_of_an_endpoint(db, settings):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    properties = schema["components"]["schemas"]["WebhookEndpoint"]["properties"]
    assert properties["url"]["pattern"] == "^(?:https)://"
    assert properties["events"]["minItems"] == 1
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_HTTP = True  # development: the rule follows the setting
    (scheme,) = [v for v in WebhookEndpointSerializer().fields["url"].validators if getattr(v, "code", "") == "scheme"]
    assert scheme.regex.pattern == "^(?:https|http)://"
