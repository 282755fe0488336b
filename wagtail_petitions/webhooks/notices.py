"""The mail to a partner's contact when one of its endpoints was disabled after failing too often (mail kind
``webhook_disabled``, registered in ``AppConfig.ready()``)."""

from __future__ import annotations

from django.conf import settings

from ..conf import conf
from ..mail import Organiser, build_message
from ..models import WebhookEndpoint


def endpoint_disabled(endpoint: int) -> list:
    endpoint = WebhookEndpoint.objects.select_related("partner").filter(pk=endpoint).first()
    if endpoint is None or not endpoint.partner.contact_email:
        return []
    return [
        build_message(
            "wagtail_petitions/mail/webhook_disabled",
            {
                "endpoint": endpoint,
                "partner": endpoint.partner,
                "failures": endpoint.consecutive_failures,
                "site_name": conf.ORGANISER_NAME,
            },
            to=endpoint.partner.contact_email,
            language=settings.LANGUAGE_CODE,
            organiser=Organiser(name=conf.ORGANISER_NAME, reply_to=conf.ORGANISER_EMAIL),
        )
    ]
