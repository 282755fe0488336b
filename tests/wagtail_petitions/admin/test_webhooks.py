"""Webhooks in the admin: register an endpoint (refused addresses get a message), see its secret, reactivate it;
the delivery log, its details and the replay of a failed delivery."""

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from tests.conftest import signer
from tests.wagtail_petitions.conftest import client_for
from tests.wagtail_petitions.webhooks.conftest import Receiver
from wagtail_petitions.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_petitions.signing import sign_petition
from wagtail_petitions.webhooks import sending

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    """The webhook tests' verifying receiver on loopback, with the development settings that allow it."""
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_HTTP = True
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def test_register_an_endpoint(client, superuser, partner, settings):
    client_for(client, superuser)
    add_url = reverse("webhook_endpoints:add")
    refused = client.post(
        add_url, {"partner": partner.pk, "url": "https://10.1.2.3/hook", "events": ["signature.created"]}
    )
    assert refused.status_code == 200 and not WebhookEndpoint.objects.exists()
    assert "public internet" in refused.content.decode()
    refused = client.post(add_url, {"partner": partner.pk, "url": "http://93.184.215.14/hook", "events": []})
    assert refused.status_code == 200 and "https://" in refused.content.decode()

    created = client.post(
        add_url,
        {
            "partner": partner.pk,
            "url": "https://93.184.215.14/hook",
            "events": ["signature.created", "petition.delivered"],
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["signature.created", "petition.delivered"]
    assert endpoint.secret.startswith("whsec_")
    Webhook(endpoint.secret)  # a valid Standard Webhooks secret
    edit = client.get(reverse("webhook_endpoints:edit", args=[endpoint.pk])).content.decode()
    assert endpoint.secret in edit
    listing = client.get(reverse("webhook_endpoints:index")).content.decode()
    assert "https://93.184.215.14/hook" in listing and "signature.created, petition.delivered" in listing


def test_activating_a_disabled_endpoint_starts_a_fresh_run(client, superuser, partner):
    client_for(client, superuser)
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url="https://93.184.215.14/hook", events=["petition.closed"], is_active=False
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=20, disabled_at="2026-12-01T10:00Z")
    response = client.post(
        reverse("webhook_endpoints:edit", args=[endpoint.pk]),
        {"partner": partner.pk, "url": endpoint.url, "events": ["petition.closed"], "is_active": "on"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_at is None and endpoint.consecutive_failures == 0
    assert WebhookEndpoint.objects.is_subscribed("petition.closed")


def test_delivery_log_and_replay(
    client, superuser, editor, petition, partner, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_PETITIONS_WEBHOOK_MAX_ATTEMPTS = 1
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url=receiver.url, events=[WebhookEvent.SIGNATURE_CREATED]
    )
    receiver.secret = endpoint.secret
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign_petition(petition, signer(1, partner="drc", consent_partner=True)).signature
    delivery = WebhookDelivery.objects.get()
    assert delivery.signature_pk == str(signature.pk) and delivery.status == DeliveryStatus.FAILED

    client_for(client, superuser)
    listing = client.get(reverse("webhook_deliveries:index")).content.decode()
    assert "signature.created" in listing and "Failed" in listing
    inspect_url = reverse("webhook_deliveries:inspect", args=[delivery.pk])
    page = client.get(inspect_url).content.decode()
    assert delivery.event_id in page and "Replay" in page
    assert "ada1@example.org" not in page  # the log holds no personal data

    client_for(client, editor)  # no permission on the log
    assert client.post(inspect_url).status_code in (302, 403)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED

    client_for(client, superuser)
    response = client.post(inspect_url)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert sending.attempt(delivery.pk).status == DeliveryStatus.DELIVERED
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.event_id] * 2
