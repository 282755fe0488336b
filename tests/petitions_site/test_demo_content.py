"""The demo content that ``make run`` loads."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from wagtail_petitions.models import PaperBatch, PetitionPage

pytestmark = pytest.mark.django_db


def test_demo_content_is_idempotent_and_creates_the_signature_managers_group(db):
    call_command("load_demo_content", signatures=6, stdout=io.StringIO())
    call_command("load_demo_content", signatures=6, stdout=io.StringIO())

    group = Group.objects.get(name="Signature managers")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_signature", "invalidate_signature", "add_paperbatch", "change_paperbatch"} <= codenames
    petitions = PetitionPage.objects.filter(slug="stop-spyware")
    assert sorted(p.locale.language_code for p in petitions) == ["en", "fr"]
    assert all(p.is_open() for p in petitions)  # the demo stays open: no delivery update
    key = petitions[0].translation_key
    assert PaperBatch.objects.filter(petition_key=key).count() == 2
    snapshot = petitions[0].get_tally(fresh=True)
    assert snapshot.online == 6 and snapshot.paper == 184 + 57
    call_command("recount_tallies", stdout=io.StringIO())


def test_the_demo_partner_page_embeds_the_code_partners_are_given():
    from embed.snippets import snippets
    from petitions_site.management.commands.serve_partner_demo import partner_page_html

    html = partner_page_html("http://127.0.0.1:8000/", "stop-spyware", "demo-partner").decode()
    assert snippets("http://127.0.0.1:8000", "stop-spyware", "", partner="demo-partner")["script"] in html
