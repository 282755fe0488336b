"""No server-side request forgery: https only, no loopback, private, link-local or other non-public address, at
registration and again when sending (after resolving the name), unless the development settings allow it."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import signer
from wagtail_petitions.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_petitions.signing import sign_petition
from wagtail_petitions.webhooks import sending
from wagtail_petitions.webhooks.addresses import RefusedAddress, is_public, resolve

REFUSED = [
    ("http://93.184.215.14/hook", "scheme"),
    ("ftp://example.org/hook", "scheme"),
    ("https://user:pw@93.184.215.14/hook", "url"),
    ("https:///hook", "url"),
    ("https://127.0.0.1/hook", "private"),
    ("https://127.1.2.3:8443/hook", "private"),
    ("https://localhost/hook", "private"),  # a name: refused after resolving it
    ("https://10.0.0.8/hook", "private"),
    ("https://172.16.5.4/hook", "private"),
    ("https://192.168.1.1/hook", "private"),
    ("https://100.64.0.1/hook", "private"),  # carrier-grade NAT
    ("https://169.254.169.254/latest/meta-data/", "private"),  # cloud metadata
    ("https://0.0.0.0/hook", "private"),
    ("https://[::1]/hook", "private"),
    ("https://[fe80::1]/hook", "private"),
    ("https://[fd00::1]/hook", "private"),
    ("https://[::ffff:127.0.0.1]/hook", "private"),  # IPv4-mapped loopback
    ("https://224.0.0.1/hook", "private"),
    ("https://2130706433/hook", "private"),  # 127.0.0.1 written as a number
    ("https://no-such-host.invalid/hook", "unresolvable"),
]


@pytest.mark.parametrize("url, code", REFUSED)
def test_refused_in_production(url, code):
    with pytest.raises(RefusedAddress) as refused:
        resolve(url)
    assert refused.value.code == code


def test_a_public_address_passes_and_is_what_we_connect_to():
    target = resolve("https://93.184.215.14:8443/hook?x=1")
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "93.184.215.14",
        8443,
        "/hook?x=1",
        "93.184.215.14",
    )
    assert is_public("2606:4700::1111") and not is_public("::ffff:10.0.0.1")


def test_the_development_settings_allow_loopback_over_http(settings):
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_HTTP = True
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    assert resolve("http://localhost:19701/hook").address in ("127.0.0.1", "::1")
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(RefusedAddress):
        resolve("http://localhost:19701/hook")


@pytest.mark.django_db
def test_registration_refuses_with_a_message_per_field(partner):
    endpoint = WebhookEndpoint(partner=partner, url="https://169.254.169.254/", events=["nope"])
    with pytest.raises(ValidationError) as invalid:
        endpoint.full_clean()
    errors = invalid.value.error_dict
    assert errors["url"][0].code == "private" and "public internet" in errors["url"][0].messages[0]
    assert errors["events"][0].code == "invalid_choice"
    endpoint = WebhookEndpoint(partner=partner, url="http://93.184.215.14/", events=[])
    with pytest.raises(ValidationError) as invalid:
        endpoint.full_clean()
    assert invalid.value.error_dict["url"][0].code == "scheme"
    assert invalid.value.error_dict["events"][0].code == "blank"


@pytest.mark.django_db
def test_an_address_that_became_private_is_refused_when_sending(
    petition, partner, make_endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    """Registered while allowed (as a public name could be, then re-pointed at an internal address): the check after
    resolving, at each send, stops it before any connection."""
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED], url=receiver.url.replace("127.0.0.1", "localhost"))
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with django_capture_on_commit_callbacks(execute=True):
        sign_petition(petition, signer(1, partner="drc", consent_partner=True))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.response_code is None
    assert "public internet" in delivery.last_error
    assert receiver.received == []

    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # back in development: it goes
    assert sending.attempt(delivery.pk, now=delivery.next_attempt_at).status == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 1
