"""``widget_api.negotiation.JSONFirstNegotiation`` answers like DRF's own negotiation."""

import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from widget_api.negotiation import JSONFirstNegotiation

ACCEPTS = [None, "", "*/*", "application/json", "text/html", "application/json; indent=4", "text/html, */*;q=0.8"]


RENDERERS = [[JSONRenderer], [JSONRenderer, BrowsableAPIRenderer], [BrowsableAPIRenderer, JSONRenderer]]


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?format=xml"])
@pytest.mark.parametrize("renderer_classes", RENDERERS)
def test_same_choice_as_drf(accept, query, renderer_classes):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/v1/petitions/" + query, **headers))

    def choose(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, [cls() for cls in renderer_classes])
        except Exception as error:  # NotAcceptable, Http404 (unknown format)
            return type(error)
        return type(renderer), media_type

    assert choose(JSONFirstNegotiation()) == choose(DefaultContentNegotiation())


def test_api_answers_json_to_a_browser_fetch(api_client, petition):
    response = api_client.post(
        f"/api/v1/petitions/{petition.slug}/signatures/", {"email": "nope"}, format="json", HTTP_ACCEPT="*/*"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "email" in response.json()["errors"]
