"""What the layers are for: a scripted bot adds nothing to the public count, while 200 real people signing from one
shared address (a street stall's tablet, a campus, a carrier's NAT) are all counted once they confirm by email."""

import re
import time

import pytest
from django.core import mail
from django.core.cache import cache

from tests.conftest import signer
from wagtail_petitions.defence.tokens import issue_form_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/petitions/stop-spyware/signatures/"
LINK = re.compile(r"https?://[^/\s]+(/petitions/confirm/[^\s]+/)")
BOT_ADDRESS = "203.0.113.50"
SHARED_ADDRESS = "198.51.100.9"  # the people's one address


@pytest.fixture
def person_fill_time(settings):
    settings.WAGTAIL_PETITIONS_FORM_MIN_FILL_SECONDS = 3


def public_count(client):
    return client.get("/api/v1/petitions/stop-spyware/count/").json()["signature_count"]


def test_a_scripted_bot_adds_nothing_and_200_people_behind_one_address_are_all_counted(
    petition, client, person_fill_time, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    bot = APIClient()  # no form token, fills in no time, fills the honeypot too
    for n in range(200):
        data = {**signer(n, email=f"bot{n}@example.org"), "website": "https://cheap.example"}
        assert bot.post(URL, data, format="json", REMOTE_ADDR=BOT_ADDRESS).status_code == 201  # looks fine
    assert public_count(client) == 0
    assert petition.get_state_counts(fresh=True).quarantined == 200
    assert mail.outbox == []  # nobody is mailed on a script's word

    people = APIClient()
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(200):
            # Each person loaded the form a while ago (its token) and typed their own address.
            token = issue_form_token(petition, now=time.time() - 30 - n)
            data = {**signer(n, email=f"person{n}@example.org"), "form_token": token}
            statuses.append(people.post(URL, data, format="json", REMOTE_ADDR=SHARED_ADDRESS).status_code)
    # The first ones count at once; past the burst, the rest are held and mailed (never refused).
    assert statuses.count(201) == 10 and statuses.count(202) == 190
    assert len(mail.outbox) == 190
    for message in mail.outbox:
        assert "Your signature is confirmed" in client.post(LINK.search(message.body).group(1)).content.decode()
    cache.clear()  # the public count is cached for a couple of seconds
    assert public_count(client) == petition.get_tally(fresh=True).total == 200
    counts = petition.get_state_counts(fresh=True)
    assert (counts.counted, counts.held, counts.quarantined) == (200, 0, 200)
