"""The API's side of partner attribution: where a signing request came from (``widget_api.host_origin``)."""

import json
import re
import uuid

import pytest

from tests.conftest import signer
from tests.widget_api.test_api import SIGN_URL, post_json
from wagtail_petitions.models import Signature

pytestmark = pytest.mark.django_db


def credit():
    signature = Signature.objects.get()
    return signature.partner and signature.partner.slug, signature.claimed_partner and signature.claimed_partner.slug


@pytest.mark.parametrize("frame_origin", ["http://testserver", "null"])  # the widget's iframe; WordPress's sandbox
def test_the_widget_on_a_registered_origin_credits_the_partner(petition, partner, api_client, frame_origin):
    data = signer(partner="drc", origin="https://partner.example")
    response = post_json(api_client, SIGN_URL.format(petition.slug), data, HTTP_ORIGIN=frame_origin)

    assert response.status_code == 201
    assert credit() == ("drc", None)


def test_the_widget_on_another_origin_is_uncredited_and_the_claim_recorded(petition, partner, api_client):
    data = signer(partner="drc", origin="https://copied.example")
    response = post_json(api_client, SIGN_URL.format(petition.slug), data, HTTP_ORIGIN="http://testserver")

    assert response.status_code == 201  # the signer is answered as any other
    assert credit() == (None, "drc")
    assert petition.get_tally(fresh=True).by_partner == []


def test_with_an_idempotency_key_the_same_rule_applies(petition, partner, api_client):
    for n, origin in enumerate(["https://partner.example", "https://copied.example"]):
        response = post_json(
            api_client,
            SIGN_URL.format(petition.slug),
            signer(n, partner="drc", origin=origin),
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert response.status_code == 201
    credits = dict(Signature.objects.values_list("email", "partner__slug"))
    claims = dict(Signature.objects.values_list("email", "claimed_partner__slug"))
    assert credits == {"ada0@example.org": "drc", "ada1@example.org": None}
    assert claims == {"ada0@example.org": None, "ada1@example.org": "drc"}


def test_a_page_of_another_site_is_judged_by_its_origin_header_not_by_what_it_claims(petition, partner, api_client):
    data = signer(partner="drc", origin="https://partner.example")
    post_json(api_client, SIGN_URL.format(petition.slug), data, HTTP_ORIGIN="https://copied.example")
    assert credit() == (None, "drc")

    Signature.objects.all().delete()
    data = signer(1, partner="drc", origin="https://copied.example")
    post_json(api_client, SIGN_URL.format(petition.slug), data, HTTP_ORIGIN="https://partner.example")
    assert Signature.objects.get().partner == partner


@pytest.mark.parametrize("origin", ["", "not an origin", "https://partner.example/path", 42, "x" * 400])
def test_no_usable_origin_is_uncredited(petition, partner, api_client, origin):
    response = post_json(api_client, SIGN_URL.format(petition.slug), signer(partner="drc", origin=origin))

    assert response.status_code == 201
    assert credit() == (None, "drc")


def test_the_widget_of_a_tracked_link_keeps_the_attribution(client, petition, partner, api_client):
    # WordPress asks oEmbed for the partner's tracked link; the widget it embeds says it came through that link.
    html = client.get("/oembed", {"url": f"http://testserver/stop-spyware/?partner={partner.slug}"}).json()["html"]
    src = re.search(r'<iframe src="([^"]+)"', html).group(1).replace("&amp;", "&")
    widget = client.get(src).content.decode()
    config = json.loads(re.search(r'id="widget-config" type="application/json">(.*?)</script>', widget).group(1))
    assert (config["partner"], config["via"]) == ("drc", "tracked_link")

    data = signer(partner="drc", origin="https://someones-blog.example", via=config["via"])
    response = post_json(api_client, SIGN_URL.format(petition.slug), data, HTTP_ORIGIN="null")

    assert response.status_code == 201
    assert credit() == ("drc", None)


def test_a_widget_not_from_a_tracked_link_does_not_say_so(client, petition, partner):
    # Only with a partner: ``via`` alone means nothing.
    for query in ("?partner=drc", "?via=tracked_link"):
        widget = client.get(f"/embed/v1/petitions/stop-spyware/{query}").content.decode()
        config = json.loads(re.search(r'id="widget-config" type="application/json">(.*?)</script>', widget).group(1))
        assert config["via"] == ""
