"""The one mail path: rendered from templates in a language, from the petition's organiser (or the site's), sent by
the worker's task, over one connection."""

import pytest
from django.core import mail

from wagtail_petitions.mail import Organiser, build_message
from wagtail_petitions.mail.tasks import register_mail, send_mail

pytestmark = pytest.mark.django_db


def test_the_organiser_falls_back_to_the_sites_defaults(make_petition, settings):
    settings.WAGTAIL_PETITIONS_ORGANISER_NAME = "Rights Org"
    settings.WAGTAIL_PETITIONS_ORGANISER_EMAIL = "hello@rights.example"
    settings.WAGTAIL_PETITIONS_MAIL_FROM = "no-reply@petitions.example"
    plain = make_petition()
    own = make_petition(slug="own", title="Own", organiser_name='Team "A", B', organiser_email="a@b.example")
    assert plain.get_organiser() == Organiser("Rights Org", "hello@rights.example")
    assert own.get_organiser().from_header() == '"Team \\"A\\", B" <no-reply@petitions.example>'


def test_a_registered_mail_kind_is_sent_by_the_task(petition):
    def builder(page_id):
        return [
            build_message(
                "wagtail_petitions/mail/confirm_signature",
                {"petition": petition, "signature": {"first_name": "Ada"}, "confirm_url": "https://x/", "link_days": 1,
                 "expiry_days": 2},
                to="ada@example.org",
                language="fr",
                organiser=petition.get_organiser(),
            )
        ]

    register_mail("test_kind", builder)
    result = send_mail.enqueue("test_kind", page_id=petition.pk)
    assert result.return_value == 1
    (message,) = mail.outbox
    assert message.subject == "Confirmez votre signature : Stop spyware" and "Bonjour Ada," in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    with pytest.raises(LookupError):
        send_mail.call("unknown_kind")
