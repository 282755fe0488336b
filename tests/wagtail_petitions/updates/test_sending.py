"""Updates to signers, sent by the task (run in the test thread: the immediate backend) to a real SMTP server on
loopback (aiosmtpd): who gets it, in which language, with which headers; rate and batches; refusals; the one-click
unsubscribe taken at once; at most once per recipient."""

import re
import smtplib
from urllib.parse import urlsplit

import pytest
from django.test import Client

from petitions_site.mail_catcher import MailCatcher
from tests.conftest import signer
from wagtail_petitions.choices import SignatureState
from wagtail_petitions.consents import withdraw_updates_consent
from wagtail_petitions.models import ConsentWithdrawal, PetitionUpdate, PetitionUpdateText, UpdateRecipient
from wagtail_petitions.moderation import invalidate_signature
from wagtail_petitions.signing import sign_petition
from wagtail_petitions.updates.sending import delivery_counts, request_send, resume_stalled, send_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_petition(petition, site_root, french):
    site_root.copy_for_translation(french).save_revision().publish()
    page = petition.copy_for_translation(french)
    page.title = "Stop aux logiciels espions"
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_update(petition, texts=None, page=None):
    update = PetitionUpdate.objects.create(page=page or petition)
    for language, (subject, body) in (texts or {"en": ("Delivered!", "We handed over your signatures today.")}).items():
        PetitionUpdateText.objects.create(update=update, language=language, subject=subject, body=body)
    return update


def sign(petition, n, **fields):
    return sign_petition(petition, signer(n, **fields)).signature


def send(update, user=None):
    assert request_send(update, user=user)
    update.refresh_from_db()
    return update


def test_it_goes_once_to_each_counted_signer_who_asked_in_their_language(
    petition, french_petition, smtp_server, django_capture_on_commit_callbacks, superuser
):
    english = [sign(petition, n, consent_updates=True) for n in range(3)]
    french = sign(french_petition, 10, consent_updates=True)
    sign(petition, 20, consent_updates=False)  # did not ask
    invalidated = sign(petition, 21, consent_updates=True)
    invalidate_signature(invalidated, user=superuser, reason="a bot")
    update = make_update(
        petition,
        {
            "en": ("Delivered!", "We handed over your signatures today."),
            "fr": ("Remise !", "Nous avons remis vos signatures."),
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        send(update, superuser)

    mails = smtp_server.wait_for(4)
    assert sorted(m.recipients[0] for m in mails) == sorted([s.email for s in english] + [french.email])
    by_address = {m.recipients[0]: m for m in mails}
    english_mail, french_mail = by_address["ada0@example.org"], by_address["ada10@example.org"]
    assert english_mail.subject == "Delivered!" and "We handed over your signatures today." in english_mail.text
    assert french_mail.subject == "Remise !" and "Nous avons remis vos signatures." in french_mail.text
    assert french_mail.message["Content-Language"] == "fr"
    assert "Pour ne plus recevoir de nouvelles de cette pétition" in french_mail.text
    french_unsubscribe = str(french_mail.message["List-Unsubscribe"]).strip()[1:-1]
    assert "Ne plus recevoir de nouvelles" in Client().get(urlsplit(french_unsubscribe).path).content.decode()
    assert french_page_url(french_petition) in french_mail.text
    for mail in mails:
        unsubscribe = str(mail.message["List-Unsubscribe"]).strip()
        assert re.fullmatch(r"<http://testserver/petitions/updates/unsubscribe/[^>\s]+/>", unsubscribe)
        assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe[1:-1] in mail.text and unsubscribe[1:-1] in mail.html
        assert mail.recipients[0] not in unsubscribe  # nothing personal in the link
    update.refresh_from_db()
    assert update.status == "sent" and update.recipient_count == 4
    assert delivery_counts(update) == {
        "recipients": 4,
        "sent": 4,
        "refused": 0,
        "skipped": 0,
        "in_doubt": 0,
        "waiting": 0,
    }
    # Sending again changes nothing and mails nobody.
    assert not request_send(update, user=superuser)
    assert send_update.call(update.pk) == 0
    assert len(smtp_server.mails) == 4


def french_page_url(page):
    return page.get_full_url()


def test_a_one_click_unsubscribe_is_honoured_at_once_and_recorded(petition, smtp_server, settings):
    settings.WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 0
    first = make_update(petition)
    signatures = [sign(petition, n, consent_updates=True) for n in range(3)]
    send_update.call(send(first).pk)
    mail = next(m for m in smtp_server.wait_for(3) if m.recipients == [signatures[1].email])
    url = str(mail.message["List-Unsubscribe"]).strip()[1:-1]
    client = Client(enforce_csrf_checks=True)

    # Opening the link (a person, or a mail scanner) changes nothing.
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert PetitionUpdate.objects.count() == 1 and type(signatures[1]).objects.get(pk=signatures[1].pk).consent_updates
    # The mail program's one-click POST (RFC 8058): no cookie, no CSRF token.
    answer = client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and b"You are unsubscribed" in answer.content
    assert answer.cookies == {}
    assert not type(signatures[1]).objects.get(pk=signatures[1].pk).consent_updates
    (withdrawal,) = ConsentWithdrawal.objects.all()
    assert (withdrawal.object_id, withdrawal.via, withdrawal.update_id) == (
        str(signatures[1].pk),
        "one_click",
        first.pk,
    )
    # Again: nothing more is recorded.
    client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert ConsentWithdrawal.objects.count() == 1

    second = make_update(petition, {"en": ("Victory", "The law passed.")})
    send_update.call(send(second).pk)
    victory = [m.recipients[0] for m in smtp_server.wait_for(5) if m.subject == "Victory"]
    assert sorted(victory) == sorted([signatures[0].email, signatures[2].email])


def test_an_unsubscribe_during_a_send_skips_the_signer_in_the_next_batch(petition, smtp_server, settings):
    settings.WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 0
    settings.WAGTAIL_PETITIONS_UPDATE_BATCH_SIZE = 2
    signatures = [sign(petition, n, consent_updates=True) for n in range(5)]
    update = send(make_update(petition))
    # Listed, then the last signer unsubscribes before their batch.
    from wagtail_petitions.updates.sending import list_recipients, send_batches

    assert list_recipients(update) == 5
    withdraw_updates_consent(signatures[4], via="page", update=update)
    send_batches(update)
    assert sorted(m.recipients[0] for m in smtp_server.wait_for(4)) == [s.email for s in signatures[:4]]
    counts = delivery_counts(update)
    assert (counts["sent"], counts["skipped"]) == (4, 1)


def test_the_rate_splits_the_send_into_batches(petition, smtp_server, settings, monkeypatch):
    settings.WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 4
    settings.WAGTAIL_PETITIONS_UPDATE_BATCH_SIZE = 100
    for n in range(10):
        sign(petition, n, consent_updates=True)
    waits = []
    monkeypatch.setattr("wagtail_petitions.updates.sending.time.sleep", waits.append)
    send_update.call(send(make_update(petition)).pk)
    assert len(smtp_server.wait_for(10)) == 10
    # Batches of a second's worth (4, 4, 2), each followed by what is left of its time at 4 mails a second.
    assert len(waits) == 3 and all(0 < wait <= 1 for wait in waits[:2]) and 0 < waits[2] <= 0.5


class Refusing:
    """An SMTP handler that refuses some recipients: permanently (550) or for now (451, then accepted)."""

    def __init__(self, catcher, permanent, temporary):
        self.catcher, self.permanent, self.temporary, self.seen = catcher, permanent, temporary, set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.permanent:
            return "550 5.1.1 No such user"
        if address in self.temporary and address not in self.seen:
            self.seen.add(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return await self.catcher.handle_DATA(server, session, envelope)


def test_refusals_are_recorded_and_temporary_ones_retried(petition, settings):
    settings.WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 0
    signatures = [sign(petition, n, consent_updates=True) for n in range(4)]
    catcher = MailCatcher()
    from aiosmtpd.controller import Controller

    controller = Controller(
        Refusing(catcher, {signatures[1].email}, {signatures[2].email}), hostname="127.0.0.1", port=catcher.port
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", catcher.port
    try:
        update = send(make_update(petition))
        send_update.call(update.pk)
    finally:
        controller.stop()
    assert sorted(m.recipients[0] for m in catcher.mails) == sorted(
        [signatures[0].email, signatures[2].email, signatures[3].email]
    )
    outcomes = dict(UpdateRecipient.objects.values_list("signature_id", "outcome"))
    assert outcomes[str(signatures[1].pk)] == "refused"
    assert outcomes[str(signatures[2].pk)] == "sent"
    assert UpdateRecipient.objects.get(signature_id=str(signatures[2].pk)).attempts == 2
    update.refresh_from_db()
    assert update.status == "sent"


def test_a_lost_server_leaves_one_recipient_in_doubt_and_a_resume_never_sends_it_again(
    petition, smtp_server, settings, monkeypatch
):
    """The connection drops while a mail is handed over: that recipient is in doubt (the server may have it) and is
    not sent again; the resumed send mails the others once."""
    settings.WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 0
    signatures = [sign(petition, n, consent_updates=True) for n in range(5)]
    real_send = smtplib.SMTP.sendmail
    calls = []

    def flaky(self, from_addr, to_addrs, msg, *args, **kwargs):
        calls.append(to_addrs)
        if len(calls) == 3:
            real_send(self, from_addr, to_addrs, msg, *args, **kwargs)  # the server has it ...
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")  # ... we never hear so
        return real_send(self, from_addr, to_addrs, msg, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", flaky)
    update = send(make_update(petition))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_update.call(update.pk)
    counts = delivery_counts(update)
    assert (counts["sent"], counts["in_doubt"], counts["waiting"]) == (2, 1, 2)

    settings.WAGTAIL_PETITIONS_UPDATE_STALL_SECONDS = 10
    assert resume_stalled() == []  # it progressed just now
    from django.utils import timezone

    assert resume_stalled(now=timezone.now() + timezone.timedelta(seconds=11)) == [update.pk]
    send_update.call(update.pk)
    received = [m.recipients[0] for m in smtp_server.wait_for(5)]
    assert sorted(received) == sorted(s.email for s in signatures)  # each exactly once
    counts = delivery_counts(update)
    assert (counts["sent"], counts["in_doubt"], counts["waiting"]) == (4, 1, 0)


def test_nothing_is_sent_in_the_editors_request(petition, smtp_server, superuser, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sign(petition, 1, consent_updates=True)
    update = send(make_update(petition), superuser)
    assert update.status == "queued" and update.send_requested_by == superuser
    assert smtp_server.mails == [] and not UpdateRecipient.objects.exists()


def test_a_signer_who_is_no_longer_counted_is_skipped(petition, smtp_server, superuser, settings):
    settings.WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 0
    signatures = [sign(petition, n, consent_updates=True) for n in range(2)]
    update = send(make_update(petition))
    from wagtail_petitions.updates.sending import list_recipients, send_batches

    list_recipients(update)
    invalidate_signature(signatures[0], user=superuser, reason="duplicate person")
    send_batches(update)
    assert [m.recipients[0] for m in smtp_server.wait_for(1)] == [signatures[1].email]
    assert type(signatures[0]).objects.get(pk=signatures[0].pk).state == SignatureState.INVALIDATED
