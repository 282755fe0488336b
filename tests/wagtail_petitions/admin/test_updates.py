"""The editor's screens for updates to signers: write (texts per language), preview, test send to yourself, send,
use as the delivery text; permissions."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from tests.conftest import signer
from tests.wagtail_petitions.conftest import add_permission, client_for
from wagtail_petitions.choices import PetitionStatus
from wagtail_petitions.models import PetitionPage, PetitionUpdate, PetitionUpdateText
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def add_form(petition, texts):
    return nested_form_data(
        {
            "page": petition.pk,
            "texts": inline_formset(
                [{"language": language, "subject": subject, "body": body} for language, subject, body in texts]
            ),
        }
    )


@pytest.fixture
def update(petition):
    update = PetitionUpdate.objects.create(page=petition)
    PetitionUpdateText.objects.create(
        update=update, language="en", subject="Delivered to the UN", body="We handed over 1,000 signatures today."
    )
    return update


def test_an_editor_writes_an_update_in_two_languages(client, superuser, petition):
    client_for(client, superuser)
    response = client.post(
        reverse("petition_updates:add"),
        add_form(petition, [("en", "Delivered", "Handed over today."), ("fr", "Remise", "Remise aujourd'hui.")]),
    )
    update = PetitionUpdate.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("petition_updates:send", args=[update.pk])
    assert update.petition_key == petition.translation_key and update.created_by == superuser
    assert sorted(update.get_texts()) == ["en", "fr"]
    assert update.status == "draft"


def test_the_send_screen_previews_each_language_and_counts_the_recipients(client, superuser, petition, update):
    for n in range(3):
        sign_petition(petition, signer(n, consent_updates=n < 2))
    client_for(client, superuser)
    html = client.get(reverse("petition_updates:send", args=[update.pk])).content.decode()
    assert "It would go to 2 signers who asked to be kept informed." in html
    assert "Delivered to the UN" in html and "We handed over 1,000 signatures today." in html
    assert "unsubscribe" in html  # the preview shows the mail's unsubscribe link
    assert "ada0@example.org" not in html  # no signer's address on this screen


def test_a_test_send_goes_to_the_editor_only(client, superuser, petition, update, mailoutbox):
    sign_petition(petition, signer(1, consent_updates=True))
    client_for(client, superuser)
    client.post(reverse("petition_updates:send", args=[update.pk]), {"action": "test"})
    (mail,) = mailoutbox
    assert mail.to == ["boss@example.org"] and mail.subject == "Delivered to the UN"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    update.refresh_from_db()
    assert update.status == "draft"


def test_send_queues_it_once_and_the_worker_mails_the_signers(
    client, superuser, petition, update, mailoutbox, django_capture_on_commit_callbacks
):
    sign_petition(petition, signer(1, consent_updates=True))
    client_for(client, superuser)
    url = reverse("petition_updates:send", args=[update.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send"})
    assert [m.to for m in mailoutbox] == [["ada1@example.org"]]
    update.refresh_from_db()
    assert (update.status, update.send_requested_by, update.recipient_count) == ("sent", superuser, 1)
    # A sent update can no longer be edited, and sending again sends nothing.
    assert client.get(reverse("petition_updates:edit", args=[update.pk]))["Location"] == url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send"})
    assert len(mailoutbox) == 1
    assert "Accepted by the mail server" in client.get(url).content.decode()


def test_sending_needs_the_send_permission(client, editor, petition, update, mailoutbox):
    sign_petition(petition, signer(1, consent_updates=True))
    client_for(client, editor)
    url = reverse("petition_updates:send", args=[update.pk])
    assert client.get(url).status_code == 200  # they edit the petition: they may read and preview it
    for action in ("send", "test", "delivery", "resume"):
        # Wagtail answers PermissionDenied with a redirect to the dashboard and a message.
        assert client.post(url, {"action": action}).status_code in (302, 403)
    update.refresh_from_db()
    assert update.status == "draft" and mailoutbox == []
    client_for(client, add_permission(editor, "send_petitionupdate"))
    client.post(url, {"action": "send"})
    update.refresh_from_db()
    assert update.status != "draft"


def test_editors_see_only_updates_of_petitions_they_may_see(client, django_user_model, update):
    nobody = django_user_model.objects.create_user("nobody", "nobody@example.org", "pw")
    add_permission(nobody, "access_admin", app_label="wagtailadmin")
    client_for(client, add_permission(nobody, "send_petitionupdate"))
    assert client.get(reverse("petition_updates:send", args=[update.pk])).status_code == 404
    assert client.post(reverse("petition_updates:send", args=[update.pk]), {"action": "send"}).status_code == 404
    assert "Delivered to the UN" not in client.get(reverse("petition_updates:index")).content.decode()
    update.refresh_from_db()
    assert update.status == "draft"


def test_the_update_becomes_the_delivery_text_of_each_translation(client, superuser, petition, update):
    client_for(client, superuser)
    client.post(reverse("petition_updates:send", args=[update.pk]), {"action": "delivery"})
    page = PetitionPage.objects.get(pk=petition.pk)
    assert page.delivery_text == "We handed over 1,000 signatures today."  # published: the page was live
    page.status, page.delivered_on = PetitionStatus.DELIVERED, "2026-12-01"
    page.save_revision().publish()
    assert PetitionPage.objects.get(pk=petition.pk).get_delivery_update().text == update.get_text("en").body


def test_only_drafts_can_be_deleted(client, superuser, update):
    client_for(client, superuser)
    PetitionUpdate.objects.filter(pk=update.pk).update(status="sent")
    assert client.post(reverse("petition_updates:delete", args=[update.pk])).status_code == 404
    assert PetitionUpdate.objects.filter(pk=update.pk).exists()
    PetitionUpdate.objects.filter(pk=update.pk).update(status="draft")
    client.post(reverse("petition_updates:delete", args=[update.pk]))
    assert not PetitionUpdate.objects.filter(pk=update.pk).exists()
