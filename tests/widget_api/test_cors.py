"""CORS: only origins of active partners, only on the API, never with credentials."""

import pytest

pytestmark = pytest.mark.django_db


def preflight(client, url, origin):
    return client.options(url, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")


def test_partner_origin_is_allowed_without_credentials(petition, partner, client):
    response = preflight(client, f"/api/v1/petitions/{petition.slug}/signatures/", "https://partner.example")

    assert response.headers["Access-Control-Allow-Origin"] == "https://partner.example"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "idempotency-key" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("origin", ["https://evil.example", "https://partner.example.evil.example"])
def test_other_origins_are_not_allowed(petition, partner, client, origin):
    response = preflight(client, f"/api/v1/petitions/{petition.slug}/signatures/", origin)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_null_origin_is_allowed_only_where_the_sandboxed_widget_needs_it(petition, partner, client):
    assert (
        "Access-Control-Allow-Origin"
        not in client.get(f"/api/v1/petitions/{petition.slug}/", HTTP_ORIGIN="null").headers
    )
    signing = preflight(client, f"/api/v1/petitions/{petition.slug}/signatures/", "null")
    assert signing.headers["Access-Control-Allow-Origin"] == "null"
    assert "Access-Control-Allow-Credentials" not in signing.headers


def test_deactivating_a_partner_revokes_its_origin_at_once(petition, partner, client):
    url = f"/api/v1/petitions/{petition.slug}/count/"
    assert client.get(url, HTTP_ORIGIN="https://partner.example").headers.get("Access-Control-Allow-Origin")

    partner.is_active = False
    partner.save()

    assert "Access-Control-Allow-Origin" not in client.get(url, HTTP_ORIGIN="https://partner.example").headers


def test_cors_is_not_applied_outside_the_api(petition, partner, client):
    response = client.get(petition.url, HTTP_ORIGIN="https://partner.example")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_partner_origins_are_validated(partner):
    from django.core.exceptions import ValidationError

    partner.allowed_origins = "https://ok.example\nhttps://bad.example/path\nftp://nope.example"
    with pytest.raises(ValidationError) as excinfo:
        partner.full_clean()
    assert len(excinfo.value.message_dict["allowed_origins"]) == 2


def plain_view(request):
    from django.http import HttpResponse

    response = HttpResponse("{}", content_type="application/json")
    response["Vary"] = "Accept"
    return response


@pytest.mark.parametrize("method", ["get", "options"])
@pytest.mark.parametrize(
    "path", ["/api/v1/petitions/stop-spyware/count/", "/api/v1/petitions/stop-spyware/stats/", "/stop-spyware/"]
)
@pytest.mark.parametrize("origin", [None, "", "null", "https://partner.example", "https://other.example"])
def test_the_shortcut_gives_django_cors_headers_answer(rf, petition, partner, method, path, origin):
    """``widget_api.cors.CorsMiddleware`` (no ``Origin``: only ``Vary``) answers as django-cors-headers' own."""
    import corsheaders.middleware

    from widget_api.cors import CorsMiddleware

    def answer(middleware_class):
        extra = {} if origin is None else {"HTTP_ORIGIN": origin, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}
        response = middleware_class(plain_view)(getattr(rf, method)(path, **extra))
        return response.status_code, sorted(response.items())

    assert answer(CorsMiddleware) == answer(corsheaders.middleware.CorsMiddleware)
