"""The review screen: held and quarantined signatures grouped by connection, domain and window; bulk confirm or
invalidate, recorded with the reason and who; the tally follows exactly."""

import pytest
from django.urls import reverse

from tests.conftest import signer
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions import recount
from wagtail_petitions.choices import SignatureState
from wagtail_petitions.models import Signature, SignatureStateChange
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def held(petition, n, connection="a" * 32, **overrides):
    signature = sign_petition(petition, signer(n, **overrides), state=SignatureState.HELD).signature
    Signature.objects.filter(pk=signature.pk).update(connection_hash=connection, screening="connection_burst")
    return signature


def test_groups_and_bulk_actions_are_recorded_and_counted(petition, client, signature_manager, editor):
    for n in range(3):
        held(petition, n)
    held(petition, 3, connection="b" * 32, email="x@campus.example")
    quarantined = sign_petition(petition, signer(4, email="bot@spam.example"), state=SignatureState.QUARANTINED)
    url = reverse("wagtail_petitions_review:petition", args=[petition.pk])

    refused = client_for(client, editor).get(url)  # counts-only editors see no groups
    assert refused.status_code == 302 and "groups" not in (refused.context or {})
    client.logout()
    page = client_for(client, signature_manager).get(url)
    groups = page.context["groups"]
    assert [(g["connection_hash"][:1], g["domain"], g["n"]) for g in groups] == [
        ("a", "example.org", 3),
        ("", "spam.example", 1),
        ("b", "campus.example", 1),
    ]
    assert "aaaaaaaaaa" in page.content.decode() and "ada0@example.org" not in page.content.decode()

    refused = client.post(url, {"action": "confirm", "reason": "", "groups": [groups[0]["key"]]})
    assert refused.status_code == 200 and petition.get_tally(fresh=True).total == 0
    client.post(url, {"action": "confirm", "reason": "a street stall, checked", "groups": [groups[0]["key"]]})
    client.post(url, {"action": "invalidate", "reason": "spam run", "groups": [groups[1]["key"]]})

    assert petition.get_tally(fresh=True).total == 3
    counts = petition.get_state_counts(fresh=True)
    assert (counts.counted, counts.held, counts.invalidated, counts.quarantined) == (3, 1, 1, 0)
    changes = SignatureStateChange.objects.order_by("pk")
    assert [(c.from_state, c.to_state, c.reason, c.user) for c in changes] == [
        ("held", "counted", "a street stall, checked", signature_manager)
    ] * 3 + [("quarantined", "invalidated", "spam run", signature_manager)]
    assert Signature.objects.get(pk=quarantined.signature.pk).state == SignatureState.INVALIDATED
    assert recount.recount(petition.get_tally_key()) == []


def test_the_figures_panel_and_report_show_counts_by_state(petition, client, superuser):
    held(petition, 1)
    sign_petition(petition, signer(2))
    report = client_for(client, superuser).get(reverse("wagtail_petitions_reports:petition", args=[petition.pk]))
    html = report.content.decode()
    assert "1 held (suspicious, counts once confirmed)" in html and "0 expired unconfirmed" in html
    export = client.get(reverse("wagtail_petitions_reports:index") + "?export=csv")
    listing = b"".join(export.streaming_content).decode()
    assert "Held" in listing.splitlines()[0]
