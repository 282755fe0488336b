"""The unsubscribe link: a forged or foreign token finds nothing; the page speaks the petition's language; a
signature deleted since gets the same answer; consent withdrawal from any path is one function; resuming stalled
sends from the command line."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import signer
from wagtail_petitions.consents import withdraw_updates_consent
from wagtail_petitions.models import ConsentWithdrawal, PetitionUpdate, PetitionUpdateText, UpdateStatus
from wagtail_petitions.signing import sign_petition
from wagtail_petitions.updates.tokens import make_unsubscribe_token, read_unsubscribe_token

pytestmark = pytest.mark.django_db


def url(page_id, signature_pk, update_pk=None):
    return reverse("wagtail_petitions:unsubscribe", args=[make_unsubscribe_token(page_id, signature_pk, update_pk)])


def test_a_forged_token_is_a_404_and_changes_nothing(petition):
    signature = sign_petition(petition, signer(1, consent_updates=True)).signature
    real = url(petition.pk, signature.pk)
    forged = real.replace(f"/{petition.pk}-{signature.pk}-", f"/{petition.pk}-{signature.pk + 1}-")
    assert Client().post(forged, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert Client().get("/petitions/updates/unsubscribe/nonsense/").status_code == 404
    signature.refresh_from_db()
    assert signature.consent_updates and not ConsentWithdrawal.objects.exists()


def test_a_token_names_the_page_signature_and_update_even_with_uuid_keys():
    token = make_unsubscribe_token(7, "0f8e-11aa-22bb", 3)
    link = read_unsubscribe_token(token)
    assert (link.page_id, link.signature_pk, link.update_pk) == (7, "0f8e-11aa-22bb", 3)


def test_the_page_button_unsubscribes_and_a_gone_signature_gets_the_same_answer(petition):
    signature = sign_petition(petition, signer(1, consent_updates=True)).signature
    client = Client(enforce_csrf_checks=True)
    page = client.get(url(petition.pk, signature.pk))
    assert page["Cache-Control"].startswith("max-age=0") and page["Referrer-Policy"] == "no-referrer"
    assert b'<form method="post"' in page.content
    assert b"You are unsubscribed" in client.post(url(petition.pk, signature.pk)).content
    assert ConsentWithdrawal.objects.get().via == "page"
    # Once unsubscribed, the link says so.
    assert b"You are unsubscribed" in client.get(url(petition.pk, signature.pk)).content
    gone = sign_petition(petition, signer(2, consent_updates=True)).signature
    link = url(petition.pk, gone.pk)
    gone.delete()
    assert b"You are unsubscribed" in client.post(link).content


def test_withdrawing_twice_records_once(petition, superuser):
    signature = sign_petition(petition, signer(1, consent_updates=True)).signature
    assert withdraw_updates_consent(signature, via="editor", user=superuser)
    assert not withdraw_updates_consent(signature, via="self_service")
    (record,) = ConsentWithdrawal.objects.all()
    assert (record.via, record.user, record.petition_key) == ("editor", superuser, petition.translation_key)


def test_the_command_resumes_only_stalled_sends(petition, settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    fresh, stalled = (PetitionUpdate.objects.create(page=petition) for _ in range(2))
    for update in (fresh, stalled):
        PetitionUpdateText.objects.create(update=update, language="en", subject="s", body="b")
    long_ago = timezone.now() - timedelta(hours=1)
    PetitionUpdate.objects.filter(pk=fresh.pk).update(status=UpdateStatus.SENDING, progress_at=timezone.now())
    PetitionUpdate.objects.filter(pk=stalled.pk).update(status=UpdateStatus.SENDING, progress_at=long_ago)
    call_command("resume_petition_updates")
    assert f"1 stalled update sends resumed: [{stalled.pk}]" in capsys.readouterr().out
    assert PetitionUpdate.objects.get(pk=stalled.pk).progress_at > long_ago
