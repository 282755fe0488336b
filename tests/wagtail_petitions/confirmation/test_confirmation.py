"""Email confirmation: pending until the signer presses the button of the linked page (GET confirms nothing),
counted once, mails from the organiser in the signer's language, resends rate-limited, expiry, counts by state."""

import os
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.conftest import signer
from wagtail_petitions import recount
from wagtail_petitions.choices import SignatureState
from wagtail_petitions.confirmation import outbox, tokens
from wagtail_petitions.confirmation.expiry import expire_unconfirmed_signatures
from wagtail_petitions.models import Signature, StateCounter

URL = "/api/v1/petitions/stop-spyware/signatures/"
LINK = re.compile(r"https?://[^/\s]+(/petitions/confirm/[^\s\"<]+/)")


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """Run what waits for the commit (waking the worker, which the tests' immediate task backend runs at once)."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def confirming(make_petition):
    return make_petition(confirmation_required=True, organiser_name="Campaign Ö", organiser_email="team@example.net")


def sign(api_client, n, capture, HTTP_IDEMPOTENCY_KEY=None, **overrides):  # noqa: N803 (a request header)
    headers = {"HTTP_IDEMPOTENCY_KEY": HTTP_IDEMPOTENCY_KEY} if HTTP_IDEMPOTENCY_KEY else {}
    with capture(execute=True):
        return api_client.post(URL, signer(n, **overrides), format="json", REMOTE_ADDR=f"198.51.100.{n}", **headers)


def link_of(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.mark.django_db
def test_sign_then_confirm_with_the_button_counts_once(confirming, api_client, client, capture):
    answer = sign(api_client, 1, capture)
    assert answer.status_code == 202
    body = answer.json()
    assert body["status"] == "confirmation_required" and body["signature_count"] == 0
    assert "Check your inbox" in body["message"]
    signature = Signature.objects.get()
    assert signature.state == SignatureState.PENDING and signature.confirmation_mails == 1
    assert confirming.get_state_counts(fresh=True).pending == 1

    (message,) = mail.outbox
    assert message.to == ["ada1@example.org"]
    assert message.from_email == "Campaign Ö <petitions@localhost>" and message.reply_to == ["team@example.net"]
    assert "Stop spyware" in message.subject
    html = message.alternatives[0][0]
    assert link_of(message) in html and "<img" not in html and "<script" not in html

    page = client.get(link_of(message))  # a mail scanner following the link
    assert page.status_code == 200 and "Confirm my signature" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") and page["Referrer-Policy"] == "no-referrer"
    assert not page.cookies and 'name="csrfmiddlewaretoken"' not in page.content.decode()
    assert Signature.objects.get().state == SignatureState.PENDING

    confirmed = client.post(link_of(message))
    assert "Your signature is confirmed" in confirmed.content.decode()
    again = client.post(link_of(message))
    assert "already confirmed" in again.content.decode()
    signature.refresh_from_db()
    assert signature.state == SignatureState.COUNTED and signature.confirmed_at is not None
    assert confirming.get_tally(fresh=True).total == 1
    counts = confirming.get_state_counts(fresh=True)
    assert (counts.counted, counts.pending) == (1, 0)
    assert recount.recount(confirming.get_tally_key()) == []


@pytest.mark.django_db
def test_the_mail_is_in_the_signers_language(confirming, site_root, french, capture):
    from wagtail_petitions.signing import sign_petition

    site_root.copy_for_translation(french).save_revision().publish()
    french_page = confirming.copy_for_translation(french)
    french_page.title = "Stop aux logiciels espions"
    french_page.save_revision().publish()
    french_page.refresh_from_db()
    with capture(execute=True):
        sign_petition(french_page.specific, signer(3))
    (message,) = mail.outbox
    assert message.subject == "Confirmez votre signature : Stop aux logiciels espions"
    assert "Bonjour Ada3," in message.body and "Merci d’avoir signé « Stop aux logiciels espions »" in message.body
    assert message.extra_headers["Content-Language"] == "fr"


@pytest.mark.django_db
def test_signing_again_resends_at_most_once_per_interval(confirming, api_client, settings, capture):
    sign(api_client, 1, capture)
    again = sign(api_client, 1, capture)
    new_signer = sign(api_client, 2, capture)
    assert again.status_code == new_signer.status_code == 202
    assert {**again.json(), "signature_count": 0} == {**new_signer.json(), "signature_count": 0}
    assert [m.to[0] for m in mail.outbox] == ["ada1@example.org", "ada2@example.org"]  # too soon for a second
    Signature.objects.filter(email="ada1@example.org").update(confirmation_sent_at=timezone.now() - timedelta(hours=1))
    sign(api_client, 1, capture)
    assert [m.to[0] for m in mail.outbox][-1] == "ada1@example.org" and len(mail.outbox) == 3
    settings.WAGTAIL_PETITIONS_CONFIRMATION_MAX_MAILS = 2
    Signature.objects.filter(email="ada1@example.org").update(confirmation_sent_at=timezone.now() - timedelta(hours=1))
    sign(api_client, 1, capture)
    assert len(mail.outbox) == 3  # the most one address gets for one signature
    assert Signature.objects.count() == 2


@pytest.mark.django_db
def test_an_expired_link_offers_a_new_mail_and_bad_links_are_404(confirming, api_client, client, settings, capture):
    sign(api_client, 1, capture)
    signature = Signature.objects.get()
    settings.WAGTAIL_PETITIONS_CONFIRMATION_LINK_DAYS = 1
    # A link made two days ago (the signer's timestamp is the only clock in it).
    two_days_ago = signing.TimestampSigner(salt="wagtail_petitions.confirmation", sep=".")
    two_days_ago.timestamp = lambda: signing.b62_encode(int(timezone.now().timestamp()) - 2 * 86400)
    expired_token = two_days_ago.sign(f"{confirming.pk}-{signature.pk}")
    assert tokens.read_token(expired_token).expired
    page = client.get(f"/petitions/confirm/{expired_token}/")
    assert "This link has expired" in page.content.decode()
    assert "This link has expired" in client.post(f"/petitions/confirm/{expired_token}/").content.decode()
    Signature.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=1))
    with capture(execute=True):
        resent = client.post(f"/petitions/confirm/{expired_token}/resend/")
    assert "Check your inbox" in resent.content.decode()
    assert len(mail.outbox) == 2 and Signature.objects.get().state == SignatureState.PENDING
    assert client.get("/petitions/confirm/1-1.x.y/").status_code == 404


@pytest.mark.django_db
def test_unconfirmed_signatures_expire_and_are_counted_as_expired(confirming, settings):
    from wagtail_petitions.signing import sign_petition

    old = sign_petition(confirming, signer(1)).signature
    sign_petition(confirming, signer(2))
    counted = sign_petition(confirming, signer(3), state=SignatureState.COUNTED).signature
    Signature.objects.filter(pk__in=[old.pk, counted.pk]).update(created_at=timezone.now() - timedelta(days=30))
    recount.recount(confirming.get_tally_key(), fix=True)  # the back-dated signature moves in the count history
    assert expire_unconfirmed_signatures() == 1
    assert set(Signature.objects.values_list("email", flat=True)) == {"ada2@example.org", "ada3@example.org"}
    counts = confirming.get_state_counts(fresh=True)
    assert (counts.pending, counts.counted, counts.expired) == (1, 1, 1)
    page = Client().get(f"/petitions/confirm/{tokens.make_token(confirming.pk, old.pk)}/")
    assert page.status_code == 410 and "no longer exists" in page.content.decode()
    assert recount.recount(confirming.get_tally_key()) == []


@pytest.mark.django_db
def test_recount_repairs_the_counts_by_state(confirming):
    from wagtail_petitions.signing import sign_petition

    sign_petition(confirming, signer(1))
    key = confirming.get_tally_key()
    StateCounter.objects.filter(petition_key=key).update(count=7)
    drifts = recount.recount(key, fix=True)
    assert [(d.channel, d.counted, d.expected) for d in drifts] == [("state:pending", 7, 1)]
    assert recount.recount(key) == []


@pytest.mark.django_db
def test_a_failing_smtp_server_keeps_the_mail_due(confirming, settings):
    from wagtail_petitions.signing import sign_petition

    sign_petition(confirming, signer(1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    with pytest.raises(OSError):
        outbox.send_all_due()
    assert Signature.objects.get().confirmation_due_at is not None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.send_all_due() == 1 and Signature.objects.get().confirmation_due_at is None


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_confirmation_counts_once(confirming):
    from wagtail_petitions.signing import sign_petition

    signature = sign_petition(confirming, signer(1)).signature
    url = f"/petitions/confirm/{tokens.make_token(confirming.pk, signature.pk)}/"
    barrier = threading.Barrier(6)
    pages = []

    def press():
        try:
            barrier.wait()
            pages.append(Client().post(url).content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum("Your signature is confirmed" in page for page in pages) == 1
    assert sum("already confirmed" in page for page in pages) == 5
    assert confirming.get_tally(fresh=True).total == 1
    assert confirming.get_state_counts(fresh=True).counted == 1
    assert recount.recount(confirming.get_tally_key()) == []


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_replays_the_check_your_inbox_answer(confirming, api_client, capture):
    first = sign(api_client, 1, capture, HTTP_IDEMPOTENCY_KEY="key-confirm-0001")
    retry = sign(api_client, 1, capture, HTTP_IDEMPOTENCY_KEY="key-confirm-0001")
    assert first.status_code == retry.status_code == 202
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert len(mail.outbox) == 1 and Signature.objects.count() == 1
