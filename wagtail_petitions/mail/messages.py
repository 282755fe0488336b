"""Rendering a mail: subject, plain text and HTML from templates, in one language, from an organiser."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ..conf import conf


@dataclass(frozen=True)
class Organiser:
    """Who a petition's mails come from: ``name`` is the sender name (the address is always ``MAIL_FROM``, one this
    platform may send for), ``reply_to`` where answers go (empty: no ``Reply-To``)."""

    name: str
    reply_to: str = ""

    def from_header(self) -> str:
        mailbox, _, domain = conf.MAIL_FROM.rpartition("@")
        if not mailbox:
            return conf.MAIL_FROM
        return str(Address(display_name=self.name, username=mailbox, domain=domain))


def build_message(
    template: str, context: dict, *, to: str, language: str, organiser: Organiser, headers: dict | None = None
) -> EmailMultiAlternatives:
    """The mail ``template`` (``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``) rendered with
    ``context`` in ``language``, to ``to``, from ``organiser``. Templates must not load anything from another site
    (no remote image, font or tracking pixel)."""
    context = {**context, "organiser": organiser}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        organiser.from_header(),
        [to],
        reply_to=[organiser.reply_to] if organiser.reply_to else None,
        # Automatic mail: no out-of-office replies to it (RFC 3834).
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language, **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message
