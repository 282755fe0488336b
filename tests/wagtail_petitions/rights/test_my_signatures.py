"""``/petitions/my-signatures/``: the mailed link (by the worker, to a real SMTP server), the list, the JSON download,
withdrawing consents and erasing — the same answer whether or not an address signed."""

import json
import re
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from tests.conftest import signer
from wagtail_petitions.models import Signature, SignatureState, SignatureStateChange, SignerLinkRequest
from wagtail_petitions.rights import outbox
from wagtail_petitions.rights.tokens import BadLink, make_token, read_token
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

URL = "/petitions/my-signatures/"
MANAGE = "/petitions/my-signatures/manage/"


@pytest.fixture
def two_petitions(make_petition, partner):
    first = make_petition()
    second = make_petition(slug="free-press", title="Free the press")
    sign_petition(first, signer(1, consent_updates=True))
    sign_petition(second, signer(1, email="ADA1@example.org", partner="drc", consent_partner=True))
    sign_petition(first, signer(2))
    return first, second


def ask(client, email, capture):
    with capture(execute=True):
        return client.post(URL, {"email": email})


def mailed_link(mail) -> str:
    return re.search(r"https?://\S+/petitions/my-signatures/\S+/", mail.text).group(0)


def test_the_page_answers_the_same_whether_or_not_the_address_signed(
    client, two_petitions, smtp_server, django_capture_on_commit_callbacks
):
    form = client.get(URL)
    assert form.status_code == 200 and 'autocomplete="email"' in form.content.decode()

    signed = ask(client, "ada1@example.org", django_capture_on_commit_callbacks)
    unknown = ask(client, "nobody@example.org", django_capture_on_commit_callbacks)

    assert (signed.status_code, unknown.status_code) == (200, 200)
    assert signed.content == unknown.content
    for response in (form, signed, unknown):
        assert not response.cookies
        assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
    (mail,) = smtp_server.wait_for(1)
    time.sleep(0.5)
    assert len(smtp_server.mails) == 1  # nothing for the address that never signed
    assert mail.recipients == ["ada1@example.org"]
    assert "Stop spyware" in mail.text and "Free the press" in mail.text
    link = mailed_link(mail)
    assert link in mail.html and "ada1" not in link.lower() and "example.org" not in urlsplit(link).path
    assert not SignerLinkRequest.objects.exists()


def test_the_link_shows_every_signature_and_opening_it_changes_nothing(client, two_petitions):
    first, second = two_petitions
    token = make_token(Signature.objects.get(email="ada1@example.org"))

    response = client.get(reverse("wagtail_petitions:my_signatures_link", args=[token]))

    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "Stop spyware" in html and "Free the press" in html and "ada2" not in html
    assert first.consent_text in html  # the texts agreed to
    assert "Digital Rights Collective may contact you" in html.replace("agreed that ", "")
    assert first.get_tally(fresh=True).total == 2 and second.get_tally(fresh=True).total == 1


def test_download_as_json(client, two_petitions):
    token = make_token(Signature.objects.get(email="ada1@example.org"))

    response = client.post(MANAGE, {"token": token, "action": "download"})

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)["signatures"]
    assert [d["petition"]["title"] for d in data] == ["Stop spyware", "Free the press"]
    assert {d["email"] for d in data} == {"ada1@example.org", "ADA1@example.org"}
    assert data[1]["partner"] == "Digital Rights Collective" and data[1]["consent_partner"] is True
    assert data[0]["consent_texts"]["sha256"] == Signature.objects.get(email="ada1@example.org").consent_texts.digest
    assert "connection_hash" not in data[0]


def test_withdrawing_consents_and_erasing(client, two_petitions):
    first, second = two_petitions
    anchor = Signature.objects.get(email="ada1@example.org")
    other = Signature.objects.get(email="ADA1@example.org")
    token = make_token(anchor)

    response = client.post(
        MANAGE, {"token": token, "action": "withdraw_partner", "signature": f"wagtail_petitions.signature:{other.pk}"}
    )
    assert response.status_code == 200 and "Your consent is withdrawn" in response.content.decode()
    other.refresh_from_db()
    assert other.consent_partner is False and second.get_tally(fresh=True).total == 1

    client.post(
        MANAGE, {"token": token, "action": "withdraw_updates", "signature": f"wagtail_petitions.signature:{anchor.pk}"}
    )
    anchor.refresh_from_db()
    assert anchor.consent_updates is False

    # Erasing the link's own signature: the page carries on with a token of the one that remains.
    response = client.post(
        MANAGE, {"token": token, "action": "erase", "signature": f"wagtail_petitions.signature:{anchor.pk}"}
    )
    html = response.content.decode()
    assert "Your signature is erased" in html and "Free the press" in html and "Stop spyware</a>" not in html
    anchor.refresh_from_db()
    assert anchor.state == SignatureState.WITHDRAWN and anchor.email == ""
    assert first.get_tally(fresh=True).total == 1 and first.get_state_counts(fresh=True).withdrawn == 1
    change = SignatureStateChange.objects.for_signature(anchor).get()
    assert change.user is None and "ada" not in change.reason.lower()
    with pytest.raises(BadLink):
        read_token(token)  # the old link died with its signature
    new_token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert read_token(new_token) == "ada1@example.org"

    # A stale form posted again: nothing more is taken out.
    again = client.post(
        MANAGE, {"token": new_token, "action": "erase", "signature": f"wagtail_petitions.signature:{anchor.pk}"}
    )
    assert again.status_code == 400
    assert first.get_tally(fresh=True).total == 1 and first.get_state_counts(fresh=True).withdrawn == 1

    # Nobody else's signature can be named.
    stranger = Signature.objects.get(email="ada2@example.org")
    response = client.post(
        MANAGE, {"token": new_token, "action": "erase", "signature": f"wagtail_petitions.signature:{stranger.pk}"}
    )
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.state == SignatureState.COUNTED


def test_erasing_the_last_signature(client, petition):
    signature = sign_petition(petition, signer(1)).signature
    token = make_token(signature)

    response = client.post(
        MANAGE, {"token": token, "action": "erase", "signature": f"wagtail_petitions.signature:{signature.pk}"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your signature is erased" in html and "No signature with personal data remains" in html
    assert petition.get_tally(fresh=True).total == 0 and petition.get_state_counts(fresh=True).withdrawn == 1


def test_only_post_changes_anything(client, two_petitions):
    anchor = Signature.objects.get(email="ada1@example.org")
    token = make_token(anchor)
    assert client.get(MANAGE, {"token": token, "action": "erase"}).status_code == 405
    assert client.get(f"{URL}{token}/?action=erase").status_code == 200
    anchor.refresh_from_db()
    assert anchor.state == SignatureState.COUNTED


def test_bad_and_expired_links(client, two_petitions):
    anchor = Signature.objects.get(email="ada1@example.org")
    assert client.get(f"{URL}not-a-token/").status_code == 410
    assert client.post(MANAGE, {"token": "forged", "action": "download"}).status_code == 410
    two_hours_ago = signing.b62_encode(int(time.time()) - 2 * 3600 - 60)
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=two_hours_ago):
        expired = make_token(anchor)
    with override_settings(WAGTAIL_PETITIONS_SIGNER_LINK_HOURS=2):
        response = client.get(f"{URL}{expired}/")
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert client.get(f"{URL}{expired}/").status_code == 200  # within the default 24 hours


def test_a_malformed_address_gets_a_clear_400(client):
    response = client.post(URL, {"email": "not an address"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_requests_per_address_are_limited(client, two_petitions, django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    results = [outbox.request_link("ada1@example.org") for _ in range(outbox.LINKS_PER_HOUR + 2)]
    assert results == [True] * outbox.LINKS_PER_HOUR + [False, False]
    assert SignerLinkRequest.objects.count() == 1


def test_every_privacy_notice_links_to_the_page(client, petition):
    html = client.get(petition.url).content.decode()
    assert "http://testserver/petitions/my-signatures/" in html
    assert (
        "http://testserver/petitions/my-signatures/"
        in client.get(f"/embed/v1/petitions/{petition.slug}/").content.decode()
    )
