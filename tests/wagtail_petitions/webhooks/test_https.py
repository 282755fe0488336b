"""An https endpoint: the worker connects to the address it checked, yet asks for the endpoint's name (SNI) and
verifies the certificate against that name, as a browser would."""

import ssl
import subprocess

import pytest

from tests.conftest import signer
from wagtail_petitions.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_petitions.signing import sign_petition

from .conftest import Receiver

pytestmark = pytest.mark.django_db


def self_signed(directory, name):
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}"]
        + ["-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


@pytest.fixture
def https_receiver(tmp_path, monkeypatch, settings):
    """A receiver with a certificate for ``localhost`` that the worker trusts (``SSL_CERT_FILE``); production
    scheme rules (https only), loopback allowed."""
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_HTTP = False
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    context, cert = self_signed(tmp_path, "localhost")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    receiver = Receiver(tls=context).start()
    yield receiver
    receiver.stop()


def register(partner, url):
    endpoint = WebhookEndpoint(partner=partner, url=url, events=[WebhookEvent.SIGNATURE_CREATED])
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def test_https_by_name_with_the_certificate_checked(
    petition, partner, https_receiver, django_capture_on_commit_callbacks
):
    endpoint = register(partner, f"https://localhost:{https_receiver.port}/hook")
    https_receiver.secret = endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        sign_petition(petition, signer(1, partner="drc", consent_partner=True))
    (received,) = https_receiver.received
    assert received.payload["data"]["signer"]["email"] == "ada1@example.org"
    assert https_receiver.server_names == ["localhost"]
    assert received.headers["host"] == f"localhost:{https_receiver.port}"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_certificate_for_another_name_is_refused(
    petition, partner, https_receiver, django_capture_on_commit_callbacks
):
    # The address is the receiver's, but the name in the URL is not the certificate's.
    endpoint = register(partner, f"https://127.0.0.1:{https_receiver.port}/hook")
    https_receiver.secret = endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        sign_petition(petition, signer(1, partner="drc", consent_partner=True))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.response_code is None
    assert "SSL" in delivery.last_error
    assert https_receiver.received == []
