"""Webhooks end to end against a real receiver on loopback that verifies each request with ``standardwebhooks``:
what each event says (signers' details only with their consent to that partner), retries with backoff, replay,
disabling after a run of failures (the partner's contact is mailed through a real SMTP server)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import PETITION_TEXTS, signer
from tests.testapp.models import ResearcherSignature, ResearchPetitionPage
from wagtail_petitions.choices import PetitionStatus, SignatureState
from wagtail_petitions.models import DeliveryStatus, Partner, WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_petitions.moderation import confirm_by_email, confirm_signatures
from wagtail_petitions.signing import sign_petition
from wagtail_petitions.webhooks import sending, tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the tests' immediate task backend then runs the tasks at once)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sign(petition, commit, n, **fields):
    with commit():
        return sign_petition(petition, signer(n, **fields)).signature


@pytest.fixture
def other_partner(db):
    return Partner.objects.create(name="Other NGO", slug="other", contact_email="other@example.net")


def test_a_consenting_signer_is_sent_to_the_partner_with_details(petition, partner, make_endpoint, receiver, commit):
    endpoint = make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    signature = sign(petition, commit, 1, partner="drc", consent_partner=True, postal_code="75011")

    (received,) = receiver.received
    payload = received.payload  # verified by standardwebhooks on the receiver's side
    assert payload["type"] == "signature.created"
    assert payload["data"]["signature"]["id"] == str(signature.pk)
    assert payload["data"]["signature"]["partner"] == "drc"
    assert payload["data"]["signer"] == {
        "first_name": "Ada1",
        "last_name": "Lovelace",
        "email": "ada1@example.org",
        "postal_code": "75011",
        "consent_text_version": signature.consent_text_version,
    }
    delivery = WebhookDelivery.objects.get()
    assert received.headers["webhook-id"] == delivery.event_id
    assert delivery.endpoint == endpoint
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.DELIVERED, 1, 204)
    # The log keeps no personal data: the details were added when sending.
    assert "ada1" not in str(delivery.payload).lower() and "Lovelace" not in str(delivery.payload)
    # The request went to the URL's path and query, with the JSON type.
    assert received.path == "/hooks/petitions?source=test"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["host"] == receiver.url.split("/")[2]


def test_no_consent_no_personal_data(petition, partner, make_endpoint, receiver, commit):
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    sign(petition, commit, 1, partner="drc", consent_partner=False, postal_code="75011")

    (received,) = receiver.received
    assert "signer" not in received.payload["data"]
    assert received.payload["data"]["signature"]["consent_partner"] is False
    raw = received.raw.decode()
    for personal in ("ada1", "Ada1", "Lovelace", "example.org", "75011"):
        assert personal not in raw


def test_a_partner_hears_only_of_its_own_signers(petition, partner, other_partner, make_endpoint, receiver, commit):
    make_endpoint(other_partner, [WebhookEvent.SIGNATURE_CREATED])
    sign(petition, commit, 1, partner="drc", consent_partner=True)  # consented to drc, not to "other"
    sign(petition, commit, 2, consent_partner=True)  # no partner at all
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_signature_is_announced_once_it_counts(make_petition, partner, make_endpoint, receiver, commit):
    petition = make_petition(confirmation_required=True)
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    signature = sign(petition, commit, 1, partner="drc", consent_partner=True)
    assert signature.state == SignatureState.PENDING
    assert receiver.received == []  # an unconfirmed address is not handed to anyone

    with commit():
        assert confirm_by_email(signature)
    with commit():
        assert not confirm_by_email(signature)  # a second click changes nothing
    (received,) = receiver.received
    assert received.payload["data"]["signer"]["email"] == "ada1@example.org"


def test_retries_back_off_exponentially_and_keep_the_webhook_id(petition, partner, make_endpoint, receiver, commit):
    endpoint = make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    receiver.answers = [500, 503]
    sign(petition, commit, 1, partner="drc", consent_partner=True)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.RETRYING, 1, 500)
    first = delivery.last_attempt_at
    assert delivery.next_attempt_at == first + timedelta(seconds=30)
    assert WebhookEndpoint.objects.get().consecutive_failures == 1

    assert sending.attempt(delivery.pk, now=first + timedelta(seconds=29)) is None  # not due yet
    second = first + timedelta(seconds=30)
    delivery = sending.attempt(delivery.pk, now=second)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.RETRYING, 2, 503)
    assert delivery.next_attempt_at == second + timedelta(seconds=60)  # doubled

    delivery = sending.attempt(delivery.pk, now=second + timedelta(seconds=60))
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.DELIVERED, 3, 204)
    assert sending.attempt(delivery.pk, now=second + timedelta(days=1)) is None  # delivered: never again
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.is_active

    assert len(receiver.received) == 3
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.event_id}
    assert len({r.headers["webhook-signature"] for r in receiver.received}) == 3  # each signed at its own time
    assert all(r.payload is not None for r in receiver.received)


def test_the_backoff_is_capped(settings):
    settings.WAGTAIL_PETITIONS_WEBHOOK_RETRY_SECONDS = 10
    settings.WAGTAIL_PETITIONS_WEBHOOK_RETRY_MAX_SECONDS = 100
    assert [sending.backoff(n).total_seconds() for n in range(1, 7)] == [10, 20, 40, 80, 100, 100]


def test_a_delivery_fails_for_good_after_the_last_attempt_and_can_be_replayed(
    petition, partner, make_endpoint, receiver, commit, settings
):
    settings.WAGTAIL_PETITIONS_WEBHOOK_MAX_ATTEMPTS = 2
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    receiver.answers = [500, 500]
    sign(petition, commit, 1, partner="drc", consent_partner=True)
    delivery = WebhookDelivery.objects.get()
    delivery = sending.attempt(delivery.pk, now=delivery.next_attempt_at)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 2, None)
    assert sending.attempt(delivery.pk, now=timezone.now() + timedelta(days=30)) is None
    assert tasks.send_due_webhooks.call() == 0

    with commit():
        tasks.replay(delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.event_id] * 3
    with pytest.raises(tasks.CannotReplay):
        tasks.replay(delivery)  # only a failed one


def test_the_sweep_sends_what_is_due(petition, partner, make_endpoint, receiver, commit):
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    receiver.answers = [500]
    sign(petition, commit, 1, partner="drc", consent_partner=True)
    assert tasks.send_due_webhooks.call() == 0  # the retry is not due yet
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert tasks.send_due_webhooks.call() == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_an_endpoint_is_disabled_after_a_run_of_failures_and_its_contact_is_mailed(
    petition, partner, make_endpoint, receiver, commit, settings, smtp_server
):
    settings.WAGTAIL_PETITIONS_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    partner.contact_name, partner.contact_email = "Kim", "tech@drc.example"
    partner.save()
    endpoint = make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    receiver.answers = [500] * 10
    for n in range(3):
        sign(petition, commit, n, partner="drc", consent_partner=True)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None and endpoint.consecutive_failures == 3

    (mail,) = smtp_server.wait_for(1)
    assert mail.recipients == ["tech@drc.example"]
    assert "disabled" in mail.subject and endpoint.url in mail.text and "3 times in a row" in mail.text

    # Nothing more is sent to it: new signatures are not even queued, due retries fail at once.
    sign(petition, commit, 9, partner="drc", consent_partner=True)
    assert WebhookDelivery.objects.count() == 3
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    tasks.send_due_webhooks.call()
    assert len(receiver.received) == 3
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert len(smtp_server.mails) == 1

    # An editor activates it again: a fresh run, and replays go out.
    endpoint.reactivate()
    endpoint.save()
    receiver.answers = []
    with commit():
        for delivery in WebhookDelivery.objects.all():
            tasks.replay(delivery)
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 3


def test_a_network_failure_or_a_timeout_is_a_failed_attempt(
    petition, partner, make_endpoint, receiver, commit, settings
):
    settings.WAGTAIL_PETITIONS_WEBHOOK_TIMEOUT_SECONDS = 0.2
    receiver.delay = 2
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    sign(petition, commit, 1, partner="drc", consent_partner=True)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and "Timeout" in delivery.last_error

    receiver.stop()  # nobody listens any more: connection refused
    delivery = sending.attempt(delivery.pk, now=delivery.next_attempt_at)
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 2 and delivery.last_error


def test_petition_events(make_petition, partner, make_endpoint, receiver, commit):
    petition = make_petition(goal=3)
    make_endpoint(partner, [WebhookEvent.PETITION_MILESTONE, WebhookEvent.PETITION_CLOSED, "petition.delivered"])
    for n in range(2):
        sign(petition, commit, n)
    assert receiver.received == []
    for n in range(2, 4):
        sign(petition, commit, n)
        cache.clear()  # the check is queued at most once a minute per petition; let each signature queue one
    milestones = [p for p in receiver.payloads if p["type"] == "petition.milestone"]
    assert len(milestones) == 1  # reached at the 3rd signature, not again at the 4th
    assert milestones[0]["data"]["milestone"] == 3 and milestones[0]["data"]["petition"]["slug"] == "stop-spyware"
    assert milestones[0]["data"]["petition"]["signature_count"] == 3

    petition.status = PetitionStatus.CLOSED
    with commit():
        petition.save_revision().publish()
        petition.save_revision().publish()  # published twice: announced once
    petition.status = PetitionStatus.DELIVERED
    petition.delivered_on, petition.delivery_text = "2026-12-01", "Handed in."
    with commit():
        petition.save_revision().publish()
    kinds = [p["type"] for p in receiver.payloads]
    assert kinds == ["petition.milestone", "petition.closed", "petition.delivered"]
    delivered = receiver.payloads[-1]["data"]
    assert delivered["delivered_on"] == "2026-12-01" and delivered["update"] == "Handed in."
    assert delivered["petition"]["status"] == "delivered" and delivered["petition"]["signature_count"] == 4


def test_signing_without_endpoints_costs_no_query_once_cached(petition, partner, commit):
    sign(petition, commit, 1, partner="drc")  # fills the cached map of subscribers
    with CaptureQueriesContext(connection) as queries:
        sign(petition, commit, 2, partner="drc")
    assert not [q for q in queries.captured_queries if "webhook" in q["sql"].lower()]
    assert not WebhookDelivery.objects.exists()


def test_a_new_endpoint_is_seen_by_the_signing_path_at_once(petition, partner, make_endpoint, receiver, commit):
    sign(petition, commit, 1, partner="drc", consent_partner=True)
    with commit():
        make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    sign(petition, commit, 2, partner="drc", consent_partner=True)
    assert [p["data"]["signer"]["email"] for p in receiver.payloads] == ["ada2@example.org"]


def test_a_forged_signature_is_refused_by_the_receiver(petition, partner, make_endpoint, receiver, commit):
    """The proof is not vacuous: a receiver with another secret refuses our requests, and we record a failure."""
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    receiver.secret = "whsec_" + "QUJD" * 8
    sign(petition, commit, 1, partner="drc", consent_partner=True)
    (received,) = receiver.received
    assert received.payload is None and "signature" in received.error.lower()
    assert WebhookDelivery.objects.get().response_code == 401


def test_a_petition_closed_by_its_date_is_announced_by_the_sweep(make_petition, partner, make_endpoint, receiver):
    petition = make_petition(closes_at=timezone.now() + timedelta(days=1))
    make_endpoint(partner, [WebhookEvent.PETITION_CLOSED])
    call_command("send_due_webhooks", stdout=StringIO())
    assert receiver.received == []
    type(petition).objects.filter(pk=petition.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("send_due_webhooks", stdout=out)
    call_command("send_due_webhooks", stdout=StringIO())  # once only
    (payload,) = receiver.payloads
    assert payload["type"] == "petition.closed" and payload["data"]["petition"]["status"] == "closed"
    assert out.getvalue().strip() == "1 webhook deliveries attempted"


def test_a_sites_own_signature_model_is_announced_and_confirmed_through_moderation(
    site_root, partner, make_endpoint, receiver, commit
):
    """Through the override points only: the site's page type and signature model, and an editor's confirmation
    (``moderation``) of a held signature."""
    letter = ResearchPetitionPage(title="Open letter", slug="open-letter", goal=100, **PETITION_TEXTS)
    letter.confirmation_required = False
    site_root.add_child(instance=letter)
    letter.save_revision().publish()
    make_endpoint(partner, [WebhookEvent.SIGNATURE_CREATED])
    with commit():
        signature = sign_petition(
            letter, signer(1, partner="drc", consent_partner=True), state=SignatureState.HELD
        ).signature
    assert isinstance(signature, ResearcherSignature) and receiver.received == []
    with commit():
        confirm_signatures(ResearcherSignature, [signature.pk], user=None, reason="Known to us")
    (payload,) = receiver.payloads
    assert payload["data"]["signer"]["email"] == "ada1@example.org"
    assert WebhookDelivery.objects.get().signature_model == ResearcherSignature._meta.label
