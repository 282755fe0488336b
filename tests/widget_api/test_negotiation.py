"""``widget_api.negotiation.JSONFirstNegotiation`` answers like DRF's own negotiation."""

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from widget_api.negotiation import JSONFirstNegotiation

ACCEPTS = [None, "", "*/*", "application/json", "text/html", "application/json; indent=4", "text/html, */*;q=0.8"]


RENDERERS = [[JSONRenderer], [JSONRenderer, BrowsableAPIRenderer], [BrowsableAPIRenderer, JSONRenderer]]


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?format=xml", "?format="])
@pytest.mark.parametrize("renderer_classes", RENDERERS)
def test_same_choice_as_drf_but_a_400_for_a_format_it_does_not_have(accept, query, renderer_classes):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/v1/petitions/" + query, **headers))
    renderers = [cls() for cls in renderer_classes]

    def choose(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except Exception as error:  # NotAcceptable
            return type(error)
        return type(renderer), media_type

    requested = request.query_params.get("format")
    if requested is not None and requested not in {renderer.format for renderer in renderers}:
        # DRF ignores an empty format and answers an unknown one with a bare 404: bad input, said on the field.
        with pytest.raises(ValidationError) as refused:
            JSONFirstNegotiation().select_renderer(request, renderers)
        assert refused.value.get_codes() == {"format": ["invalid_choice"]}
    else:
        assert choose(JSONFirstNegotiation()) == choose(DefaultContentNegotiation())


@pytest.mark.parametrize("query", ["format=xml", "format=", "format=csv"])
def test_a_format_the_view_does_not_have_is_a_400_on_format(api_client, petition, query):
    response = api_client.get(f"/api/v1/petitions/{petition.slug}/count/?{query}")
    assert response.status_code == 400
    error = response.json()["errors"]["format"][0]
    assert error["code"] == "invalid_choice" and "json" in error["message"]


def test_api_answers_json_to_a_browser_fetch(api_client, petition):
    response = api_client.post(
        f"/api/v1/petitions/{petition.slug}/signatures/", {"email": "nope"}, format="json", HTTP_ACCEPT="*/*"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "email" in response.json()["errors"]
