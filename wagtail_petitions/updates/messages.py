"""The update mail: rendered through ``wagtail_petitions.mail`` in the language of the text the signer gets (their
signing language when the update has a text in it), with a link to the petition and a one-click unsubscribe."""

from __future__ import annotations

from urllib.parse import urljoin

from django.contrib.auth import get_user_model
from django.urls import reverse

from ..mail import build_message
from ..models import PetitionUpdate
from .tokens import make_unsubscribe_token

TEMPLATE = "wagtail_petitions/mail/petition_update"
#: The mail kind of an editor's test send (``send_mail.enqueue(TEST_MAIL, update_id=..., user_id=...)``).
TEST_MAIL = "petition_update_test"


class UpdateMailer:
    """Builds the mails of one update: the texts, the petition's translations and their addresses are read once."""

    def __init__(self, update):
        self.update = update
        self.texts = update.get_texts()
        petition = update.get_petition()
        self.petition = petition
        self.pages = {}
        if petition is not None:
            for page in petition.get_translations(inclusive=True).specific().select_related("locale"):
                self.pages[page.locale.language_code] = page
            self.petition = self.pages.get(petition.locale.language_code, petition)
        self.urls = {language: page.get_full_url() or "/" for language, page in self.pages.items()}

    def text_for(self, language: str):
        """The text in ``language``; else in the petition page's language; else the first one written (read once,
        not per mail)."""
        page_language = self.petition.locale.language_code if self.petition is not None else ""
        return self.texts.get(language) or self.texts.get(page_language) or next(iter(self.texts.values()))

    def page_for(self, language: str):
        return self.pages.get(language) or self.petition

    def unsubscribe_url(self, page, signature) -> str:
        token = make_unsubscribe_token(page.pk, signature.pk, self.update.pk)
        base = self.urls.get(page.locale.language_code) or page.get_full_url() or "/"
        return urljoin(base, reverse("wagtail_petitions:unsubscribe", args=[token]))

    def build(self, signature, *, to: str | None = None, language: str | None = None):
        """The mail of this update to ``signature`` (to its address unless ``to``; in its signing language unless
        ``language``)."""
        text = self.text_for(language or signature.language)
        page = self.page_for(text.language)
        unsubscribe = self.unsubscribe_url(page, signature)
        return build_message(
            TEMPLATE,
            {
                "update": self.update,
                "text": text,
                "petition": page,
                "petition_url": self.urls.get(page.locale.language_code, ""),
                "unsubscribe_url": unsubscribe,
            },
            to=to or signature.email,
            language=text.language,
            organiser=page.get_organiser(),
            # RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs to the link.
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Precedence": "bulk",
            },
        )


class _Sample:
    """A stand-in signature for the preview and the editor's test mail: the editor's address, no real signer (its
    unsubscribe link is well-formed but names no signature)."""

    pk = 0
    consent_updates = True

    def __init__(self, email: str, language: str):
        self.email = email
        self.language = language


def build_sample(update, *, to: str, language: str):
    """The mail as a signer who signed in ``language`` would get it, addressed to ``to`` (preview, test send)."""
    return UpdateMailer(update).build(_Sample(to, language), to=to, language=language)


def build_test_mails(update_id: int, user_id: int):
    """The ``TEST_MAIL`` kind (registered in ``AppConfig.ready()``): the update in each of its languages, to the
    editor who asked (ids in the task, never the address)."""
    update = PetitionUpdate.objects.filter(pk=update_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if update is None or user is None or not user.email:
        return []
    return [build_sample(update, to=user.email, language=language) for language in update.get_texts()]
