"""Every log record written while people sign (and fail to), while the site fails, and while editors work with
signatures holds no signer's email, name or IP address: the record's message, its arguments and its traceback."""

import io
import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import as_sent_by_a_form, signer
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions.log_redaction import RedactPersonalData
from wagtail_petitions.models import Signature

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
IPV6 = "2001:db8::7"
PERSON = {"first_name": "Zéphyrine", "last_name": "Quintavalle", "email": "zephyrine.quintavalle@example.net"}
SIGN_URL = "/api/v1/petitions/stop-spyware/signatures/"


class Written:
    """What the site's configured log handlers write with ``LOG_LEVEL=DEBUG`` (the root logger at DEBUG; loggers
    that LOGGING pins keep their level)."""

    def __init__(self, stream):
        self.stream = stream

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def every_log_record():
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    configured = [h for h in handlers if any(isinstance(f, RedactPersonalData) for f in h.filters)]
    assert configured, "LOGGING configures no redacting stream handler on the root logger"
    old_streams = [(h, h.setStream(stream), h.level) for h in configured]
    for handler in configured:
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield Written(stream)
    for handler, old_stream, level in old_streams:
        handler.setStream(old_stream)
        handler.setLevel(level)
        handler.setFormatter(None)
    root.setLevel(old_level)


def assert_no_personal_data(written):
    text = written.text()
    assert text, "nothing was logged: the capture does not work"
    for secret in [*PERSON.values(), PERSON["email"].upper(), "quintavalle@", ADDRESS, IPV6]:
        lines = [line[:300] for line in text.splitlines() if secret.lower() in line.lower()]
        assert not lines, (secret, lines)
    return text


def post(client, body, **extra):
    return client.generic("POST", SIGN_URL, body, content_type="application/json", REMOTE_ADDR=ADDRESS, **extra)


def test_signing_and_its_failures_log_no_personal_data(petition, partner, settings, every_log_record):
    settings.WAGTAIL_PETITIONS_SIGNING_CEILING_PER_MINUTE = 8
    client = Client(raise_request_exception=False)
    good = json.dumps(as_sent_by_a_form({**signer(1), **PERSON})).encode()
    assert post(client, good).status_code == 201
    assert post(client, good).status_code == 201  # a repeat
    assert post(client, good, HTTP_IDEMPOTENCY_KEY="key-12345678").status_code == 201
    bad = {**signer(1), **PERSON, "country": "XX", "email": PERSON["email"] + "@"}
    assert post(client, json.dumps(bad).encode()).status_code == 400
    assert post(client, json.dumps({**bad, "first_name": PERSON["first_name"] + "\u202e"}).encode()).status_code == 400
    assert post(client, b'{"email": "' + PERSON["email"].encode() + b'", ').status_code == 400
    assert post(client, b"[" * 990 + b"]" * 990).status_code == 400
    too_big = json.dumps({**PERSON, "source": "x" * 10_000}).encode()
    assert post(client, too_big).status_code == 413
    assert post(client, good, HTTP_IDEMPOTENCY_KEY="key-12345678").status_code in (201, 422)
    # Over the per-connection ceiling, from an IPv6 address.
    statuses = {
        client.generic("POST", SIGN_URL, good, content_type="application/json", REMOTE_ADDR=IPV6).status_code
        for _ in range(10)
    }
    assert 429 in statuses
    # The no-JavaScript form on the page.
    page = client.post("/stop-spyware/", {**signer(2), **PERSON, "country": "XX"}, REMOTE_ADDR=ADDRESS)
    assert page.status_code in (200, 400)
    client.get("/api/v1/petitions/nope/count/", REMOTE_ADDR=ADDRESS)

    assert Signature.objects.filter(email=PERSON["email"]).count() == 1
    assert_no_personal_data(every_log_record)


def test_a_server_error_while_signing_logs_no_personal_data(petition, monkeypatch, every_log_record):
    from django.db import IntegrityError

    from wagtail_petitions.signing import sign as sign_module

    def broken(*args, **kwargs):
        # What PostgreSQL says on a unique violation: the key, with the address in it, from the client's address.
        raise IntegrityError(
            'duplicate key value violates unique constraint "one_per_signer"\n'
            f"DETAIL:  Key (petition_key, email_normalized)=(x, {PERSON['email']}) already exists ({ADDRESS})."
        )

    monkeypatch.setattr(sign_module.portable, "insert_in_transaction", broken)
    monkeypatch.setattr(sign_module.postgres, "insert_in_one_statement", broken)
    client = Client(raise_request_exception=False)
    response = post(client, json.dumps(as_sent_by_a_form({**signer(1), **PERSON})).encode())
    assert response.status_code == 500
    text = assert_no_personal_data(every_log_record)
    assert "Internal Server Error" in text and "IntegrityError" in text and "[email]" in text


def test_admin_work_on_signatures_logs_no_personal_data(client, petition, every_log_record):
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    from wagtail_petitions.signing import sign_petition

    signature = sign_petition(petition, {**signer(1), **PERSON}).signature
    client_for(client, superuser)
    index = reverse("signatures:index")
    assert client.get(index, {"q": PERSON["email"]}, REMOTE_ADDR=ADDRESS).status_code == 200
    assert client.get(index, {"export": "csv"}, REMOTE_ADDR=ADDRESS).status_code == 200
    assert client.get(index, {"export": "xlsx"}, REMOTE_ADDR=ADDRESS).status_code == 200
    inspect = reverse("signatures:inspect", args=[signature.pk])
    assert client.get(inspect, REMOTE_ADDR=ADDRESS).status_code == 200
    assert client.post(inspect, {"reason": "test", "action": "invalidate"}, REMOTE_ADDR=ADDRESS).status_code == 302
    assert client.post(inspect, {"reason": "test", "action": "restore"}, REMOTE_ADDR=ADDRESS).status_code == 302
    review = reverse("wagtail_petitions_review:petition", args=[petition.pk])
    assert client.get(review, REMOTE_ADDR=ADDRESS).status_code == 200
    assert client.get(reverse("signatures:inspect", args=[10**9]), REMOTE_ADDR=ADDRESS).status_code == 404
    signature.refresh_from_db()
    assert signature.state == "counted"
    assert_no_personal_data(every_log_record)
