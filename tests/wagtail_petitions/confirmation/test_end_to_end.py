"""The whole double opt-in, with the real pieces: a person signs through the widget in Chromium, the database task
worker (``manage.py db_worker``) sends the mail to a real SMTP server, and Chromium follows the link: opening it
confirms nothing, the button does. The petition asks for proof of work, so the widget's and the page's solvers are
exercised too: a signature without a valid solution would be held, not pending."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from wagtail.models import Site

from wagtail_petitions.choices import SignatureState
from wagtail_petitions.models import Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp_server(smtp_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    return smtp_server


def test_a_signer_confirms_by_following_the_mailed_link(make_petition, chromium, smtp_server, live_server, settings):
    site_url = live_server.url.replace("127.0.0.1", "localhost")
    settings.WAGTAIL_PETITIONS_PROOF_OF_WORK_MAX_NUMBER = 20_000  # a quicker puzzle: the solver is what is tested
    petition = make_petition(confirmation_required=True, proof_of_work=True, organiser_name="Stop Spyware coalition")
    address = urlsplit(site_url)
    Site.objects.filter(is_default_site=True).update(hostname=address.hostname, port=address.port)
    context = chromium.new_context()
    page = context.new_page()

    page.goto(f"{site_url}/embed/v1/petitions/{petition.slug}/")
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Lovelace")
    page.fill("#id_email", "ada@example.org")
    page.select_option("#id_country", "FR")
    page.click("button[type=submit]")
    page.wait_for_selector("#check-inbox:not([hidden])", timeout=90_000)
    signature = Signature.objects.get()
    assert (signature.state, signature.screening) == (SignatureState.PENDING, "")  # the widget solved the puzzle
    assert smtp_server.mails == []  # nothing is sent inside the signing request

    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)
    (mail,) = smtp_server.wait_for(1)
    assert mail.recipients == ["ada@example.org"]
    assert "Stop Spyware coalition" in str(mail.message["From"])
    link = re.search(r"https?://\S+/petitions/confirm/\S+/", mail.text).group(0)
    assert link in mail.html

    page.goto(link)
    page.wait_for_selector("text=Confirm my signature")
    assert Signature.objects.get().state == SignatureState.PENDING  # opening the link confirms nothing
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your signature is confirmed")
    assert Signature.objects.get().state == SignatureState.COUNTED
    assert petition.get_tally(fresh=True).total == 1
    page.goto(link)  # used again: it says so, and changes nothing
    page.wait_for_selector("text=Your signature is already confirmed")
    assert petition.get_tally(fresh=True).total == 1
    # The petition page's own form (pow.js solves the puzzle before it is sent).
    page.goto(f"{site_url}{petition.get_url()}")
    page.fill("#id_first_name", "Grace")
    page.fill("#id_last_name", "Hopper")
    page.fill("#id_email", "grace@example.org")
    page.select_option("#id_country", "US")
    page.click("form.petition-form button[type=submit]")
    page.wait_for_selector("text=Check your inbox", timeout=90_000)
    grace = Signature.objects.get(email="grace@example.org")
    assert (grace.state, grace.screening) == (SignatureState.PENDING, "")
    assert context.cookies() == []
    context.close()
