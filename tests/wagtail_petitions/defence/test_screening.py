"""Every path that signs meets the same defences: the ceiling (429), quarantine for script signs (answered like
success), held for crowd signs (counts once confirmed by email)."""

import base64
import json
import os

import altcha
import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from tests.conftest import form_token, signer
from wagtail_petitions.choices import SignatureState
from wagtail_petitions.defence import counters, pow, screening
from wagtail_petitions.defence.tokens import issue_form_token
from wagtail_petitions.models import Signature

pytestmark = pytest.mark.django_db

URL = "/api/v1/petitions/stop-spyware/signatures/"


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """Every counter stays in one window however long the test takes: on a loaded machine 80 requests can cross
    the end of a minute, and a new window would let more through than the test counts."""
    monkeypatch.setattr(
        counters.Window, "key", lambda window, now: (f"{counters.PREFIX}{window.name}:0", window.seconds + 1)
    )


@pytest.fixture
def person_fill_time(settings):
    settings.WAGTAIL_PETITIONS_FORM_MIN_FILL_SECONDS = 3


def state_of(n):
    return Signature.objects.get(email=f"ada{n}@example.org").state


def test_the_ceiling_answers_429_with_retry_after_on_every_path_and_saves_nothing(
    settings, client, api_client, petition
):
    settings.WAGTAIL_PETITIONS_SIGNING_CEILING_PER_MINUTE = 3
    for n in range(3):
        assert api_client.post(URL, signer(n), format="json", REMOTE_ADDR="203.0.113.7").status_code == 201
    refused = api_client.post(URL, signer(9), format="json", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert refused.json()["errors"]["non_field_errors"][0]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    # The no-JavaScript form of the same connection meets the same ceiling.
    page = client.post(
        f"/petitions/sign/{petition.pk}/", {**signer(10), **form_token(petition)}, REMOTE_ADDR="203.0.113.7"
    )
    assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 60
    assert "Too many signatures were sent from your connection" in page.content.decode()
    # Invalid attempts count too.
    assert api_client.post(URL, {"email": "x"}, format="json", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert not Signature.objects.filter(email__in=["ada9@example.org", "ada10@example.org"]).exists()
    # Another connection is counted on its own.
    assert api_client.post(URL, signer(11), format="json", REMOTE_ADDR="198.51.100.4").status_code == 201


def test_invented_x_forwarded_for_values_do_not_walk_around_the_ceiling(settings, api_client, petition):
    settings.WAGTAIL_PETITIONS_SIGNING_CEILING_PER_MINUTE = 30
    statuses = []
    for n in range(80):
        response = api_client.post(
            URL, signer(n), format="json", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1"
        )
        statuses.append(response.status_code)
    assert statuses.count(429) == 50


def test_the_no_js_form_is_limited_too(settings, client, petition):
    settings.WAGTAIL_PETITIONS_SIGNING_CEILING_PER_MINUTE = 30
    statuses = [
        client.post(f"/petitions/sign/{petition.pk}/", {**signer(n), **form_token(petition)}).status_code
        for n in range(60)
    ]
    assert statuses.count(303) == 30 and statuses.count(429) == 30


def test_script_signs_are_quarantined_and_answered_like_success(api_client, petition, make_petition, person_fill_time):
    other = make_petition(slug="another-petition", title="Another")
    cases = {
        1: {"website": "http://spam.example"},  # the honeypot
        2: {"form_token": "not-a-token"},  # forged
        3: {"form_token": issue_form_token(petition)},  # sent back at once
        4: form_token(other),  # another petition's
    }
    for n, extra in cases.items():
        response = api_client.post(URL, {**signer(n), **extra}, format="json", REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code == 201 and response.json()["status"] == "signed"
        assert state_of(n) == SignatureState.QUARANTINED
    quarantined = Signature.objects.get(email="ada1@example.org")
    assert quarantined.screening == screening.HONEYPOT and len(quarantined.connection_hash) == 32
    assert petition.get_tally(fresh=True).total == 0
    assert petition.get_state_counts(fresh=True).quarantined == 4


def test_a_quarantined_signer_on_a_confirmation_petition_is_told_to_check_their_inbox_but_gets_no_mail(
    make_petition, api_client, mailoutbox
):
    make_petition(confirmation_required=True)
    response = api_client.post(URL, signer(1, website="x"), format="json")
    assert response.status_code == 202 and response.json()["status"] == "confirmation_required"
    assert state_of(1) == SignatureState.QUARANTINED
    assert mailoutbox == []


def test_crowd_signs_are_held_and_mailed(
    settings, api_client, petition, mailoutbox, person_fill_time, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_PETITIONS_CONNECTION_BURST_LIMIT = 2
    settings.WAGTAIL_PETITIONS_DOMAIN_BURST_LIMIT = 2
    answers = [
        api_client.post(URL, signer(n, email=f"ada{n}@example.org"), format="json", REMOTE_ADDR="203.0.113.7")
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 202]
    assert state_of(2) == SignatureState.HELD and Signature.objects.get(email="ada2@example.org").screening == (
        screening.CONNECTION_BURST
    )
    domain = [
        api_client.post(URL, signer(n, email=f"x{n}@campus.example"), format="json", REMOTE_ADDR=f"198.51.100.{n}")
        for n in range(3)
    ]
    assert [a.status_code for a in domain] == [201, 201, 202]
    assert Signature.objects.get(email="x2@campus.example").screening == screening.DOMAIN_BURST
    with django_capture_on_commit_callbacks(execute=True):
        disposable = api_client.post(URL, signer(7, email="x@mailinator.com"), format="json", REMOTE_ADDR="192.0.2.7")
        missing = api_client.post(URL, signer(8, form_token=""), format="json", REMOTE_ADDR="192.0.2.8")
    assert disposable.status_code == missing.status_code == 202
    assert Signature.objects.get(email="x@mailinator.com").screening == screening.DISPOSABLE_DOMAIN
    assert state_of(8) == SignatureState.HELD
    # Every held signer gets the link (the worker sends every due mail, those of the first two as well).
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ada2@example.org",
        "ada8@example.org",
        "x2@campus.example",
        "x@mailinator.com",
    ]
    assert petition.get_tally(fresh=True).total == 4


def test_proof_of_work_when_the_petition_asks_for_it(make_petition, api_client):
    petition = make_petition(proof_of_work=True)
    challenge = api_client.get("/api/v1/petitions/stop-spyware/challenge/")
    assert challenge.status_code == 200 and "no-store" in challenge["Cache-Control"]
    data = challenge.json()
    solution = altcha.solve_challenge_v1(data["challenge"], data["salt"], data["algorithm"], data["maxnumber"])
    fields = {k: data[k] for k in ("algorithm", "challenge", "salt", "signature")}
    payload = base64.b64encode(json.dumps({**fields, "number": solution.number}).encode()).decode()
    ok = api_client.post(URL, signer(1, altcha=payload), format="json", REMOTE_ADDR="198.51.100.1")
    replay = api_client.post(URL, signer(2, altcha=payload), format="json", REMOTE_ADDR="198.51.100.2")
    missing = api_client.post(URL, signer(3), format="json", REMOTE_ADDR="198.51.100.3")
    assert ok.status_code == 201 and state_of(1) == SignatureState.COUNTED
    assert replay.status_code == 201 and state_of(2) == SignatureState.QUARANTINED
    assert missing.status_code == 202 and state_of(3) == SignatureState.HELD
    assert pow.check_solution(petition, "%%%") == pow.INVALID


def test_counters_never_hold_the_raw_ip_or_the_email_domain(api_client, petition):
    api_client.post(URL, signer(1, email="a@rare-domain.example"), format="json", REMOTE_ADDR="203.0.113.77")
    if os.environ.get("REDIS_URL"):
        from django_redis import get_redis_connection

        keys = [key.decode() for key in get_redis_connection().keys("*defence*")]
    else:
        backend = caches["default"]
        assert isinstance(backend, LocMemCache)
        keys = list(backend._cache)
    assert keys
    assert not [key for key in keys if "203.0.113.77" in key or "rare-domain" in key]
